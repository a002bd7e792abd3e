import { describe, expect, it } from 'vitest';
import { narrow, select, slice, tensor } from 'simdgrad';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { spread } from '../helpers/sample-data.js';

const row = () => tensor([0, 1, 2, 3, 4, 5, 6]);

describe('slice', () => {
  it('follows Python slicing: negative ends count from the end, out-of-range ends clamp', () => {
    // Python: list(range(7))[1:6:2], [-3:], [:-5], [5:100], [4:2]
    expect(slice(row(), 0, 1, 6, 2).toArray()).toEqual([1, 3, 5]);
    expect(slice(row(), 0, -3).toArray()).toEqual([4, 5, 6]);
    expect(slice(row(), 0, 0, -5).toArray()).toEqual([0, 1]);
    expect(slice(row(), 0, 5, 100).toArray()).toEqual([5, 6]);
    expect(slice(row(), 0, 4, 2).shape).toEqual([0]);
  });

  it('slices an inner dimension with a step', () => {
    const x = tensor(Float32Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
    expect(x.slice(2, 1, undefined, 2).toArray()).toEqual([[[1, 3], [5, 7], [9, 11]], [[13, 15], [17, 19], [21, 23]]]);
  });

  it('puts the gradient back in the sliced positions and zeros elsewhere', () => {
    const x = tensor([1, 2, 3, 4, 5], undefined, { requiresGrad: true });
    slice(x, 0, 0, 5, 2).backward(tensor([10, 20, 30]));
    expect(x.grad!.toArray()).toEqual([10, 0, 20, 0, 30]);
    expectGradientsMatchFiniteDifferences((t) => slice(t, 1, -3, 4, 2), [{ shape: [2, 5, 2], data: spread(20) }]);
  });

  it('wants a positive integer step and integer bounds', () => {
    expect(() => slice(row(), 0, 0, 5, 0)).toThrow(/^simdgrad: slice: step must be an integer >= 1, got 0/);
    expect(() => slice(row(), 0, 0.5)).toThrow(/^simdgrad: slice: start must be an integer, got 0.5/);
    expect(() => slice(row(), 1)).toThrow(/^simdgrad: slice: dim 1 is out of range for a tensor with 1 dimensions/);
  });
});

describe('narrow', () => {
  it('takes length entries from start, which may be negative', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(narrow(x, 1, 1, 2).toArray()).toEqual([[2, 3], [5, 6]]);
    expect(x.narrow(0, -1, 1).toArray()).toEqual([[4, 5, 6]]);
    expectGradientsMatchFiniteDifferences((t) => narrow(t, 0, 1, 2), [{ shape: [4, 3], data: spread(12) }]);
  });

  it('refuses a range that leaves the dimension', () => {
    expect(() => narrow(tensor([1, 2, 3]), 0, 2, 2)).toThrow(/^simdgrad: narrow: start 2 and length 2 leave dim 0 of shape \[3\] \(size 3\)/);
    expect(() => narrow(tensor([1, 2, 3]), 0, -4, 1)).toThrow(/^simdgrad: narrow: start -4 and length 1 leave dim 0/);
  });
});

describe('select', () => {
  it('indexes one position and drops the dimension, as x[:, i]', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(select(x, 1, 0).toArray()).toEqual([1, 4]);
    expect(x.select(0, -1).toArray()).toEqual([4, 5, 6]);
    expectGradientsMatchFiniteDifferences((t) => select(t, 1, 2), [{ shape: [2, 3, 2], data: spread(12) }]);
  });

  it('refuses an index out of range', () => {
    expect(() => select(tensor([[1, 2]]), 1, 2)).toThrow(/^simdgrad: select: index 2 is out of range for dim 1 of shape \[1, 2\] \(size 2\); valid: -2..1/);
  });
});
