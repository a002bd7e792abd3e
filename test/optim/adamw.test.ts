import { describe, expect, it } from 'vitest';
import { optim, tensor } from 'simdgrad';
import { loadCases } from '../helpers/fixtures.js';
import { expectFixtureCase, expectTrajectory, gradients, referenceAdam, values } from './reference.js';

describe('AdamW matches the golden fixtures', () => {
  for (const c of loadCases('optim', 'optim.AdamW')) {
    it(c.name, () => expectFixtureCase(c, (params, options) => new optim.AdamW(params, options)));
  }
});

describe('AdamW', () => {
  it('decays the weights apart from the gradient, also with AMSGrad', () => {
    const start = values(9, 2, 3);
    const grads = gradients(6, 9, 5).map((g, t) => g.map((x) => Math.fround(x / (1 + 3 * t))));
    const options = { lr: 0.05, betas: [0.9, 0.6] as [number, number], weightDecay: 0.2, amsgrad: true };
    expectTrajectory((p) => new optim.AdamW(p, options), start, grads, referenceAdam(start, grads, { ...options, decoupled: true }));
  });

  it('defaults to weight decay 1e-2', () => {
    const param = tensor([1], [1], { requiresGrad: true });
    expect(new optim.AdamW([param]).paramGroups[0]!.weightDecay).toBe(1e-2);
  });
});
