import { describe, expect, it } from 'vitest';
import { std, tensor, variance, var as torchVar } from 'simdgrad';
import { expectCloseToFixture } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { expectMemoryUnchanged } from '../helpers/memory.js';
import { sample, spread } from '../helpers/sample-data.js';

describe('var and std', () => {
  it('match torch.var and torch.std on the sample', () => {
    // torch.var(x, dim=(0, 2), keepdim=True); torch.var(x)
    expectCloseToFixture(variance(sample(), [0, 2], { keepdim: true }), { shape: [1, 3, 1], data: [0.5306886, 0.4921427, 0.701732] }, 'var over (0, 2)');
    expectCloseToFixture(sample().var(), { shape: [], data: [0.5249252] }, 'var');
    expect(torchVar).toBe(variance);
  });

  it('match torch.std(x, dim=1, unbiased=False) and its gradient', () => {
    const x = sample(true);
    const out = std(x, 1, { correction: 0 });
    expectCloseToFixture(out, { shape: [2, 4], data: [0.5412962, 0.6395629, 0.3000226, 0.7214028, 0.4936762, 0.6692389, 0.2672194, 0.7160118] }, 'std');
    out.sum().backward();
    expectCloseToFixture(x.grad, { shape: [2, 3, 4], data: [0.4628807, 0.3549299, -0.430338, -0.4103117, -0.1541567, 0.0912081, 0.3818231, 0.0041586, -0.308724, -0.4461381, 0.0485149, 0.4061531, -0.4681431, -0.3685779, 0.3708979, 0.4186772, 0.1861319, -0.070229, -0.4374266, -0.0217253, 0.2820112, 0.4388069, 0.0665288, -0.3969519] }, 'grad x');
  });

  it('check by finite differences', () => {
    expectGradientsMatchFiniteDifferences((t) => variance(t, -1), [{ shape: [3, 4], data: spread(12) }]);
    expectGradientsMatchFiniteDifferences((t) => t.std([0, 1], { keepdim: true }), [{ shape: [2, 3, 2], data: spread(12) }]);
  });

  it('reject a correction that is not a finite number', () => {
    expect(() => variance(tensor([1, 2]), 0, { correction: NaN })).toThrow(/^simdgrad: var: correction must be a finite number, got NaN/);
    expect(() => std(tensor([1, 2]), 1)).toThrow(/^simdgrad: std: dim 1 is out of range/);
  });

  it('frees its intermediates once the result and gradient are disposed', () => {
    const x = sample(true);
    const upstream = tensor([1, 2, 3, 4], [4]);
    expectMemoryUnchanged(() => {
      const out = std(x, [0, 1]);
      out.backward(upstream);
      out.dispose();
      x.grad!.dispose();
      x.grad = null;
    });
  });
});
