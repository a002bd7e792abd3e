import { describe, expect, it } from 'vitest';
import { optim, tensor } from 'simdgrad';
import { loadCases } from '../helpers/fixtures.js';
import { expectFixtureCase, expectTrajectory, gradients, referenceAdagrad, values } from './reference.js';

describe('Adagrad matches the golden fixtures', () => {
  for (const c of loadCases('optim', 'optim.Adagrad')) {
    it(c.name, () => expectFixtureCase(c, (params, options) => new optim.Adagrad(params, options)));
  }
});

describe('Adagrad', () => {
  it('decays lr and starts from the initial accumulator, matching PyTorch’s algorithm in float64', () => {
    const start = values(10, 4);
    const grads = gradients(6, 10, 6);
    const options = { lr: 0.1, lrDecay: 0.2, initialAccumulatorValue: 0.5, weightDecay: 0.05 };
    expectTrajectory((p) => new optim.Adagrad(p, options), start, grads, referenceAdagrad(start, grads, options));
  });

  it('rejects a negative initial accumulator', () => {
    const param = tensor([1], [1], { requiresGrad: true });
    expect(() => new optim.Adagrad([param], { initialAccumulatorValue: -1 })).toThrow(/Adagrad: initialAccumulatorValue must be a finite number >= 0, got -1/);
  });
});
