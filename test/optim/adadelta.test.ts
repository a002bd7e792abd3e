import { describe, it } from 'vitest';
import { optim } from 'simdgrad';
import { loadCases } from '../helpers/fixtures.js';
import { expectFixtureCase, expectTrajectory, gradients, referenceAdadelta, values } from './reference.js';

describe('Adadelta matches the golden fixtures', () => {
  for (const c of loadCases('optim_more', 'optim.Adadelta')) {
    it(c.name, () => expectFixtureCase(c, (params, options) => new optim.Adadelta(params, options)));
  }
});

describe('Adadelta', () => {
  it('maximizes with other settings, matching PyTorch’s algorithm in float64', () => {
    const start = values(11, 3);
    const grads = gradients(7, 11, 5);
    const options = { lr: 0.5, rho: 0.8, eps: 1e-4, weightDecay: 0.05, maximize: true };
    expectTrajectory((p) => new optim.Adadelta(p, options), start, grads, referenceAdadelta(start, grads, options));
  });
});
