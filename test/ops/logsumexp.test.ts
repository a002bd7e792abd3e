import { describe, expect, it } from 'vitest';
import { logsumexp, mul, tensor } from 'simdgrad';
import { expectCloseToFixture } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { expectMemoryUnchanged } from '../helpers/memory.js';
import { sample, spread } from '../helpers/sample-data.js';

describe('logsumexp', () => {
  it('matches torch.logsumexp(x, 2), with softmax as the gradient', () => {
    const x = sample(true);
    const out = logsumexp(x, 2);
    expectCloseToFixture(out, { shape: [2, 3], data: [1.7493468, 1.7571219, 1.6808494, 1.4260878, 1.4101802, 1.672155] }, 'logsumexp');
    out.sum().backward();
    expectCloseToFixture(x.grad, { shape: [2, 3, 4], data: [0.2337865, 0.4726752, 0.2208334, 0.0727049, 0.0851686, 0.2827699, 0.4551529, 0.1769086, 0.0715149, 0.1088429, 0.3639097, 0.4557324, 0.1984759, 0.0886475, 0.170659, 0.5422177, 0.5314319, 0.1639522, 0.0907016, 0.2139142, 0.4713497, 0.350584, 0.1045432, 0.0735231] }, 'grad x');
  });

  it('stays finite where exp overflows float32 (torch.logsumexp(x * 10, dim=(0, 1)))', () => {
    expectCloseToFixture(logsumexp(mul(sample(), 10), [0, 1]), { shape: [4], data: [9.4180739, 10.0291999, 9.7492263, 9.3181504] }, 'logsumexp x10');
    expect(logsumexp(tensor([1000, 1000]), 0).item()).toBeCloseTo(1000 + Math.LN2, 3);
  });

  it('gives -Infinity for a row of -Infinity, as torch does', () => {
    expect(logsumexp(tensor([[-Infinity, -Infinity], [0, 0]]), 1, true).toArray()).toEqual([[-Infinity], [Math.fround(Math.LN2)]]);
  });

  it('checks by finite differences', () => {
    expectGradientsMatchFiniteDifferences((t) => t.logsumexp([0, 2]), [{ shape: [2, 3, 2], data: spread(12) }]);
  });

  it('rejects an empty dimension', () => {
    expect(() => logsumexp(tensor([], [0, 2]), 0)).toThrow(/^simdgrad: logsumexp: cannot reduce over an empty dimension of shape \[0, 2\]/);
  });

  it('frees its intermediates once the result and gradient are disposed', () => {
    const x = sample(true);
    const upstream = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expectMemoryUnchanged(() => {
      const out = logsumexp(x, 2);
      out.backward(upstream);
      out.dispose();
      x.grad!.dispose();
      x.grad = null;
    });
  });
});
