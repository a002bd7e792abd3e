import { describe, it } from 'vitest';
import { optim } from 'simdgrad';
import { loadCases } from '../helpers/fixtures.js';
import { expectFixtureCase, expectTrajectory, gradients, referenceAdamax, values } from './reference.js';

describe('Adamax matches the golden fixtures', () => {
  for (const c of loadCases('optim_more', 'optim.Adamax')) {
    it(c.name, () => expectFixtureCase(c, (params, options) => new optim.Adamax(params, options)));
  }
});

describe('Adamax', () => {
  it('maximizes with other settings, matching PyTorch’s algorithm in float64', () => {
    const start = values(11, 3);
    const grads = gradients(7, 11, 5);
    const options = { lr: 0.05, betas: [0.8, 0.99] as [number, number], eps: 1e-3, weightDecay: 0.1, maximize: true };
    expectTrajectory((p) => new optim.Adamax(p, options), start, grads, referenceAdamax(start, grads, options));
  });
});
