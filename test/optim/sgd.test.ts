import { describe, expect, it } from 'vitest';
import { optim, tensor, zeros } from 'simdgrad';
import { loadCases } from '../helpers/fixtures.js';
import { expectFixtureCase, expectTrajectory, gradients, referenceSGD, values } from './reference.js';
import { typeErrors } from '../helpers/typecheck.js';

describe('SGD matches the golden fixtures', () => {
  for (const c of loadCases('optim', 'optim.SGD')) {
    it(c.name, () => expectFixtureCase(c, (params, options) => new optim.SGD(params, options)));
  }
});

describe('SGD matches PyTorch’s algorithm in float64', () => {
  const start = values(11, 0);
  const grads = gradients(6, 11);

  it('momentum with dampening', () => {
    const options = { lr: 0.05, momentum: 0.8, dampening: 0.3 };
    expectTrajectory((p) => new optim.SGD(p, options), start, grads, referenceSGD(start, grads, options));
  });

  it('Nesterov momentum with weight decay', () => {
    const options = { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.1 };
    expectTrajectory((p) => new optim.SGD(p, options), start, grads, referenceSGD(start, grads, options));
  });

  it('maximize climbs the gradient', () => {
    const options = { lr: 0.1, momentum: 0.5, maximize: true };
    expectTrajectory((p) => new optim.SGD(p, options), start, grads, referenceSGD(start, grads, options));
  });
});

describe('SGD options', () => {
  const params = () => [tensor([1, 2], [2], { requiresGrad: true })];

  it('requires lr, in the options or in every param group', () => {
    expect(() => new optim.SGD(params())).toThrow(/SGD: lr is required/);
    expect(new optim.SGD([{ params: params(), lr: 0.1 }]).paramGroups[0]!.lr).toBe(0.1);
  });

  it('rejects Nesterov without momentum or with dampening', () => {
    expect(() => new optim.SGD(params(), { lr: 0.1, nesterov: true })).toThrow(/SGD: nesterov requires momentum > 0 and dampening 0, got momentum 0 and dampening 0/);
    expect(() => new optim.SGD(params(), { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(/dampening 0.1/);
  });

  it('rejects invalid values', () => {
    expect(() => new optim.SGD(params(), { lr: -0.1 })).toThrow(/SGD: lr must be a finite number >= 0, got -0.1/);
    expect(() => new optim.SGD(params(), { lr: Number.NaN })).toThrow(/lr must be a finite number >= 0, got NaN/);
    expect(() => new optim.SGD(params(), { lr: 0.1, momentum: -0.9 })).toThrow(/SGD: momentum must be a finite number >= 0, got -0.9/);
    expect(() => new optim.SGD(params(), { lr: 0.1, weightDecay: Infinity })).toThrow(/weightDecay must be a finite number >= 0, got Infinity/);
  });
});

describe('SGD options type', () => {
  it('requires lr, as the constructor does at run time, unless every param group sets it', () => {
    const prelude = "import { optim, zeros } from 'simdgrad';\nconst params = [zeros([2], { requiresGrad: true })];\n";
    expect(typeErrors(`${prelude}new optim.SGD(params, { momentum: 0.9 });`).join('\n')).toMatch(/lr/);
    expect(typeErrors(`${prelude}new optim.SGD(params);`)).not.toEqual([]);
    expect(typeErrors(`${prelude}new optim.SGD(params, { lr: 0.1, momentum: 0.9 });`)).toEqual([]);
    expect(typeErrors(`${prelude}new optim.SGD([{ params, lr: 0.1 }]);`)).toEqual([]);
    expect(() => new optim.SGD([zeros([2], { requiresGrad: true })], {} as never)).toThrow('simdgrad: SGD: lr is required');
  });
});
