import { describe, expect, it } from 'vitest';
import { optim, tensor } from 'simdgrad';
import { loadCases } from '../helpers/fixtures.js';
import { expectFixtureCase, expectTrajectory, gradients, referenceAdam, values } from './reference.js';

describe('Adam matches the golden fixtures', () => {
  for (const c of loadCases('optim', 'optim.Adam')) {
    it(c.name, () => expectFixtureCase(c, (params, options) => new optim.Adam(params, options)));
  }
});

describe('Adam matches PyTorch’s algorithm in float64', () => {
  const start = values(13, 0);
  const grads = gradients(8, 13, 3);

  it('AMSGrad keeps the running maximum of the second moment', () => {
    // With a short memory (beta2 0.5) and shrinking gradients v falls, so its maximum differs from it.
    const shrinking = grads.map((g, t) => g.map((x) => Math.fround(x / (1 + 3 * t))));
    const options = { lr: 0.01, betas: [0.9, 0.5] as [number, number], amsgrad: true, weightDecay: 0.05 };
    expectTrajectory((p) => new optim.Adam(p, options), start, shrinking, referenceAdam(start, shrinking, options));
  });

  it('custom betas and eps, maximizing', () => {
    const options = { lr: 0.02, betas: [0.8, 0.99] as [number, number], eps: 1e-3, maximize: true };
    expectTrajectory((p) => new optim.Adam(p, options), start, grads, referenceAdam(start, grads, options));
  });
});

describe('Adam options', () => {
  const params = () => [tensor([1, 2], [2], { requiresGrad: true })];

  it('has PyTorch’s defaults', () => {
    const group = new optim.Adam(params()).paramGroups[0]!;
    expect({ lr: group.lr, betas: group.betas, eps: group.eps, weightDecay: group.weightDecay, amsgrad: group.amsgrad }).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false });
  });

  it('rejects invalid betas and eps', () => {
    expect(() => new optim.Adam(params(), { betas: [1, 0.999] })).toThrow(/Adam: betas must be two numbers in \[0, 1\), got \[1, 0.999\]; the default is \[0.9, 0.999\]/);
    expect(() => new optim.Adam(params(), { betas: [0.9] as unknown as [number, number] })).toThrow(/betas must be two numbers/);
    expect(() => new optim.Adam(params(), { eps: -1e-8 })).toThrow(/Adam: eps must be a finite number >= 0, got -1e-8/);
  });

  it('names PyTorch’s snake_case options it does not know', () => {
    expect(() => new optim.Adam(params(), { weight_decay: 0.1 } as object)).toThrow(/Adam: unknown option 'weight_decay' in the options; the options are lr, betas, eps, weightDecay, amsgrad, maximize/);
  });
});
