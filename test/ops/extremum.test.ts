import { describe, expect, it } from 'vitest';
import { argmax, argmin, min, tensor, topk } from 'simdgrad';
import { expectCloseToFixture } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { sample, spread } from '../helpers/sample-data.js';

describe('min', () => {
  it('matches torch.amin(x, 1) on the sample', () => {
    expectCloseToFixture(min(sample(), 1), { shape: [2, 4], data: [-0.957, -0.537, 0.239, -0.872, -0.191, -0.997, -0.99, -0.938] }, 'amin');
  });

  it('reduces everything, several dims, or keeps dims', () => {
    const x = tensor([[1, 5, -2], [4, 0, 3]]);
    expect(min(x).item()).toBe(-2);
    expect(x.min(0, true).toArray()).toEqual([[1, 0, -2]]);
    expect(min(tensor(Float32Array.from({ length: 24 }, (_, i) => (i * 5) % 24), [2, 3, 4]), [0, 2]).toArray()).toEqual([0, 1, 2]);
  });

  it('shares the gradient between tied minima, as torch.amin', () => {
    // torch: torch.amin(x, 1).sum().backward() with x = [[1, 1], [2, 0]] -> [[0.5, 0.5], [0, 1]]
    const x = tensor([[1, 1], [2, 0]], undefined, { requiresGrad: true });
    min(x, 1).sum().backward();
    expect(x.grad!.toArray()).toEqual([[0.5, 0.5], [0, 1]]);
    expectGradientsMatchFiniteDifferences((t) => min(t, [0, 2]), [{ shape: [2, 3, 4], data: spread(24) }]);
  });

  it('refuses an empty dimension', () => {
    expect(() => min(tensor([], [2, 0]), 1)).toThrow(/^simdgrad: min: cannot reduce over an empty dimension of shape \[2, 0\]/);
  });
});

describe('argmax and argmin', () => {
  it('match torch on the sample (float32 positions)', () => {
    expect(argmax(sample(), 2).toArray()).toEqual([[1, 2, 3], [3, 0, 0]]);
    expect(argmin(sample(), 0).toArray()).toEqual([[1, 1, 1, 0], [0, 1, 1, 1], [0, 0, 1, 1]]);
    expect(argmax(sample()).item()).toBe(1);
    expect(sample().argmax(1, true).shape).toEqual([2, 1, 4]);
    expect(argmax(sample(), undefined, true).shape).toEqual([1, 1, 1]);
  });

  it('pick the first of tied extremes, and NaN as the most extreme', () => {
    // torch.argmax([1, 3, 3]) == 1; torch.argmin([1, 0, 0]) == 1
    expect(argmax(tensor([1, 3, 3])).item()).toBe(1);
    expect(argmin(tensor([1, 0, 0])).item()).toBe(1);
    expect(argmax(tensor([1, NaN, 5, NaN, 2, 2, 2, 9, 1])).item()).toBe(1);
    expect(argmin(tensor([[1, 2], [NaN, 0], [3, -1]]), 0).toArray()).toEqual([1, 2]);
  });

  it('over a long last dim and over a leading dim (both SIMD paths)', () => {
    const values = Float32Array.from({ length: 37 }, (_, i) => Math.sin(i * 2.1));
    expect(argmax(tensor(values)).item()).toBe(values.indexOf(Math.max(...values)));
    const columns = tensor(Float32Array.from({ length: 40 }, (_, i) => ((i * 13) % 40) - (i % 8) * 5), [5, 8]);
    const data = columns.toFloat32Array();
    const want = Array.from({ length: 8 }, (_, c) => [0, 1, 2, 3, 4].reduce((m, r) => (data[r * 8 + c]! < data[m * 8 + c]! ? r : m), 0));
    expect(argmin(columns, 0).toArray()).toEqual(want);
  });
});

describe('topk', () => {
  it('matches torch.topk(x, 2, dim=1)', () => {
    const { values, indices } = topk(sample(), 2, { dim: 1 });
    expectCloseToFixture(values, { shape: [2, 2, 4], data: [0.296, 1.0, 0.97, 0.895, -0.706, 0.494, 0.67, 0.025, 0.92, 0.624, -0.342, 0.814, 0.778, -0.398, -0.586, -0.132] }, 'values');
    expect(Array.from(indices.toFloat32Array())).toEqual([0, 0, 1, 2, 1, 1, 2, 1, 2, 2, 0, 0, 1, 1, 2, 1]);
  });

  it('matches torch.topk(x, 3, largest=False)', () => {
    const { values, indices } = sample().topk(3, { largest: false });
    expectCloseToFixture(values, { shape: [2, 3, 3], data: [-0.872, 0.239, 0.296, -0.706, 0.025, 0.494, -0.957, -0.537, 0.67, -0.997, -0.342, -0.191, -0.99, -0.398, -0.132, -0.938, -0.586, 0.624] }, 'values');
    expect(Array.from(indices.toFloat32Array())).toEqual([3, 2, 0, 0, 3, 1, 0, 1, 2, 1, 2, 0, 2, 1, 3, 3, 2, 1]);
  });

  it('puts NaN first when largest, and orders equal values by position', () => {
    const { values, indices } = topk(tensor([1, 3, 3, 2, NaN]), 3);
    expect(values.toArray()).toEqual([NaN, 3, 3]);
    expect(indices.toArray()).toEqual([4, 1, 2]);
    // torch.topk([1, 3, 3, 2, nan], 3, largest=False).indices == [0, 3, 1]: NaN ranks above every number
    expect(topk(tensor([1, 3, 3, 2, NaN]), 3, { largest: false }).indices.toArray()).toEqual([0, 3, 1]);
    expect(topk(tensor([NaN, 2, NaN]), 3, { largest: false }).indices.toArray()).toEqual([1, 0, 2]);
    expect(topk(tensor([1, 2]), 0).values.shape).toEqual([0]);
  });

  it('sends the gradient to the chosen entries', () => {
    expectGradientsMatchFiniteDifferences((t) => topk(t, 2, { dim: 0 }).values, [{ shape: [4, 3], data: spread(12) }]);
    expectGradientsMatchFiniteDifferences((t) => topk(t, 3, { largest: false }).values, [{ shape: [2, 5], data: spread(10) }]);
  });

  it('refuses k larger than the dimension', () => {
    expect(() => topk(tensor([1, 2]), 3)).toThrow(/^simdgrad: topk: k 3 is larger than dim -1 of shape \[2\] \(size 2\); k must be in \[0, 2\]/);
    expect(() => topk(tensor([1, 2]), -1)).toThrow(/^simdgrad: topk: k must be a non-negative integer, got -1/);
  });
});
