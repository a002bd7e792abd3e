import { describe, expect, it } from 'vitest';
import { optim, tensor } from 'simdgrad';
import { loadCases } from '../helpers/fixtures.js';
import { expectFixtureCase, expectTrajectory, gradients, referenceNAdam, setGrad, values } from './reference.js';

describe('NAdam matches the golden fixtures (PyTorch 2.0’s rule)', () => {
  for (const c of loadCases('optim_more', 'optim.NAdam')) {
    it(c.name, () => expectFixtureCase(c, (params, options) => new optim.NAdam(params, options)));
  }
});

describe('NAdam', () => {
  it('maximizes and decays the weights decoupled, matching PyTorch’s algorithm in float64', () => {
    const start = values(11, 3);
    const grads = gradients(7, 11, 5);
    for (const options of [
      { lr: 0.02, betas: [0.8, 0.99] as [number, number], momentumDecay: 0.01, weightDecay: 0.1, maximize: true },
      { lr: 0.02, weightDecay: 0.3, decoupledWeightDecay: true },
    ]) {
      expectTrajectory((p) => new optim.NAdam(p, options), start, grads, referenceNAdam(start, grads, options));
    }
  });

  it("writes PyTorch's mu_product and names in the torch-format state dict, and reads such a dict back", () => {
    const param = tensor([1, 2, 3], [3], { requiresGrad: true });
    const nadam = new optim.NAdam([param], { lr: 0.01, decoupledWeightDecay: true });
    for (let t = 0; t < 3; t++) {
      setGrad(param, [0.5, -1, 2]);
      nadam.step();
    }
    const dict = nadam.stateDict({ format: 'torch' });
    const mu = (t: number) => 0.9 * (1 - 0.5 * 0.96 ** (t * 0.004));
    expect(dict.state[0]!.mu_product!.data[0]).toBeCloseTo(mu(1) * mu(2) * mu(3), 6);
    expect(Object.keys(dict.state[0]!).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'mu_product', 'step']);
    // decoupled_weight_decay (PyTorch 2.1) is written because it is not the default, maximize (2.x) is not;
    // foreach is true so that torch 1.13 continues with the multi-tensor NAdam, the one with 2.0's rule.
    expect(dict.param_groups[0]).toEqual({ lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, momentum_decay: 0.004, decoupled_weight_decay: true, foreach: true, params: [0] });
    const restored = new optim.NAdam([param]);
    restored.loadStateDict(dict);
    expect(restored.stateDict()).toEqual(nadam.stateDict());
  });
});

describe('NAdam momentum schedule', () => {
  it('gives the product of the momentum coefficients from step 1, continued from an earlier product or not', async () => {
    const { nadamMuProduct, nadamMomentum } = await import('../../src/optim/nadam-momentum.js');
    const direct = (step: number) => Array.from({ length: step }, (_, i) => nadamMomentum(i + 1, 0.9, 0.004)).reduce((a, b) => a * b, 1);
    for (const step of [0, 1, 4, 200]) expect(nadamMuProduct(step, 0.9, 0.004)).toBe(direct(step));
    const known = { step: 150, product: direct(150) };
    for (const step of [150, 151, 200, 149, 3]) expect(nadamMuProduct(step, 0.9, 0.004, known)).toBe(direct(step));
  });
});
