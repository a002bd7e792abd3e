import { describe, it } from 'vitest';
import { optim } from 'simdgrad';
import { loadCases } from '../helpers/fixtures.js';
import { expectFixtureCase, expectTrajectory, gradients, referenceRAdam, values } from './reference.js';

describe('RAdam matches the golden fixtures', () => {
  for (const c of loadCases('optim_more', 'optim.RAdam')) {
    it(c.name, () => expectFixtureCase(c, (params, options) => new optim.RAdam(params, options)));
  }
});

describe('RAdam', () => {
  it('switches from momentum SGD to the rectified adaptive step, maximizes and decays decoupled, matching PyTorch’s algorithm in float64', () => {
    const start = values(11, 3);
    const grads = gradients(9, 11, 5);
    for (const options of [
      { lr: 0.02, betas: [0.8, 0.99] as [number, number], eps: 1e-4, weightDecay: 0.1, maximize: true },
      { lr: 0.02, weightDecay: 0.3, decoupledWeightDecay: true },
    ]) {
      expectTrajectory((p) => new optim.RAdam(p, options), start, grads, referenceRAdam(start, grads, options));
    }
  });
});
