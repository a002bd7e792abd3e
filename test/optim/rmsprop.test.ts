import { describe, expect, it } from 'vitest';
import { optim, tensor } from 'simdgrad';
import { loadCases } from '../helpers/fixtures.js';
import { expectFixtureCase, expectTrajectory, gradients, referenceRMSprop, values } from './reference.js';

describe('RMSprop matches the golden fixtures', () => {
  for (const c of loadCases('optim', 'optim.RMSprop')) {
    it(c.name, () => expectFixtureCase(c, (params, options) => new optim.RMSprop(params, options)));
  }
});

describe('RMSprop matches PyTorch’s algorithm in float64', () => {
  const start = values(11, 1);
  const grads = gradients(7, 11, 2);
  const settings = {
    centered: { lr: 0.01, centered: true },
    momentum: { lr: 0.01, momentum: 0.9 },
    'centered with momentum and weight decay': { lr: 0.005, centered: true, momentum: 0.5, weightDecay: 0.1, alpha: 0.9 },
  };
  for (const [name, options] of Object.entries(settings)) {
    it(name, () => expectTrajectory((p) => new optim.RMSprop(p, options), start, grads, referenceRMSprop(start, grads, options)));
  }
});

describe('RMSprop options', () => {
  it('rejects alpha outside [0, 1]', () => {
    const param = tensor([1], [1], { requiresGrad: true });
    expect(() => new optim.RMSprop([param], { alpha: 1.5 })).toThrow(/RMSprop: alpha must be in \[0, 1\], got 1.5/);
  });
});
