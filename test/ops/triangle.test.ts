import { describe, expect, it } from 'vitest';
import { ones, tensor, tril, triu } from 'simdgrad';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { spread } from '../helpers/sample-data.js';

describe('tril and triu', () => {
  it('keep the lower or upper triangle, shifted by diagonal', () => {
    expect(tril(ones([3, 4])).toArray()).toEqual([[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0]]);
    expect(tril(ones([3, 4]), -1).toArray()).toEqual([[0, 0, 0, 0], [1, 0, 0, 0], [1, 1, 0, 0]]);
    expect(triu(ones([3, 4]), 1).toArray()).toEqual([[0, 1, 1, 1], [0, 0, 1, 1], [0, 0, 0, 1]]);
    expect(ones([2, 2]).triu(-5).toArray()).toEqual([[1, 1], [1, 1]]);
    expect(ones([2, 2]).tril(-5).toArray()).toEqual([[0, 0], [0, 0]]);
  });

  it('work on each matrix of a batch, with rows wider than a SIMD vector', () => {
    const x = tensor(Float32Array.from({ length: 2 * 3 * 9 }, (_, i) => i + 1), [2, 3, 9]);
    const out = triu(x, 2).toFloat32Array();
    for (let b = 0; b < 2; b++) for (let r = 0; r < 3; r++) for (let c = 0; c < 9; c++) {
      const i = (b * 3 + r) * 9 + c;
      expect(out[i]).toBe(c - r >= 2 ? i + 1 : 0);
    }
  });

  it('mask the gradient the same way', () => {
    expectGradientsMatchFiniteDifferences((t) => tril(t, 1), [{ shape: [2, 3, 3], data: spread(18) }]);
    expectGradientsMatchFiniteDifferences((t) => triu(t), [{ shape: [3, 5], data: spread(15) }]);
  });

  it('need a matrix and an integer diagonal', () => {
    expect(() => tril(tensor([1, 2]))).toThrow(/^simdgrad: tril: needs a tensor with at least 2 dimensions \(matrices in its last two\), got shape \[2\]/);
    expect(() => triu(ones([2, 2]), 0.5)).toThrow(/^simdgrad: triu: diagonal must be an integer, got 0.5/);
  });
});
