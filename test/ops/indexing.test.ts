import { describe, expect, it } from 'vitest';
import { F, gather, indexSelect, oneHot, scatterAdd, tensor } from 'simdgrad';
import { expectCloseToFixture } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { expectMemoryUnchanged } from '../helpers/memory.js';
import { cosineUpstream, sample, spread } from '../helpers/sample-data.js';

// idx = [[[2,0,1,1],[0,0,2,1]],[[1,2,2,0],[2,1,0,0]]], a [2, 2, 4] index into dim 1 of the sample.
const INDEX = [2, 0, 1, 1, 0, 0, 2, 1, 1, 2, 2, 0, 2, 1, 0, 0];
const index = () => tensor(INDEX, [2, 2, 4]);

describe('gather', () => {
  it('matches torch.gather(x, 1, idx) and its gradient', () => {
    const x = sample(true);
    const out = gather(x, 1, index());
    // torch.gather(x, 1, idx)
    expectCloseToFixture(out, { shape: [2, 2, 4], data: [-0.957, 1.0, 0.97, 0.025, 0.296, 1.0, 0.67, 0.025, 0.778, 0.624, -0.586, 0.814, 0.92, -0.398, -0.342, 0.814] }, 'gather');
    out.backward(cosineUpstream([2, 2, 4]));
    // x.grad after g.backward(cos(0.9 i)): repeated indices accumulate
    expectCloseToFixture(x.grad, { shape: [2, 3, 4], data: [-0.8967584, 0.4108142, 0, 0, 0, 0, -0.2272021, 0.0957865, 1.0, 0, 0.6346929, 0, 0, 0, 0.9994346, -0.2942705, 0.6083513, 0.6475963, 0, 0, -0.1943299, -0.2435442, -0.9111303, 0] }, 'grad x');
  });

  it('takes an index smaller than x in the other dims, as torch does', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    expect(x.gather(1, tensor([[2], [0]])).toArray()).toEqual([[3], [4]]);
    expectGradientsMatchFiniteDifferences((t) => gather(t, 0, tensor([[2, 0], [1, 1]])), [{ shape: [3, 3], data: spread(9) }]);
  });

  it('rejects indices that are out of range, fractional or of another rank', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(() => gather(x, 1, tensor([[0, 2], [1, 0]]))).toThrow(/^simdgrad: gather: index holds 2 at position \[0, 1\], out of range for dim 1 of x \[2, 2\]; indices must be whole numbers in \[0, 2\)/);
    expect(() => gather(x, 1, tensor([[0, 0.5], [1, 0]]))).toThrow(/^simdgrad: gather: index holds 0.5 at position \[0, 1\], not a whole number/);
    expect(() => gather(x, 1, tensor([[0, 1], [1, -1]]))).toThrow(/^simdgrad: gather: index holds -1 at position \[1, 1\], out of range/);
    expect(() => gather(x, 1, tensor([0, 1]))).toThrow(/^simdgrad: gather: index has shape \[2\] but x has \[2, 2\]; they need the same number of dimensions/);
    expect(() => gather(x, 0, tensor([[0, 1, 0]]))).toThrow(/^simdgrad: gather: index has shape \[1, 3\], larger than x \[2, 2\] in dim 1/);
  });
});

describe('scatterAdd', () => {
  // round(sin(1.3 i + 1.1), 3) and round(sin(1.3 i + 2.0), 3)
  const BASE = [0.891, 0.675, -0.53, -0.959, 0.017, 0.968, 0.501, -0.7, -0.875, 0.232, 0.999, 0.303, -0.837, -0.751, 0.435, 0.984, 0.091, -0.935, -0.591, 0.619, 0.922, -0.125, -0.989, -0.404];
  const SRC = [0.909, -0.158, -0.994, -0.374, 0.794, 0.798, -0.366, -0.995, -0.166, 0.906, 0.65, -0.558, -0.949, 0.05, 0.976, 0.472];

  it('matches torch.scatter_add(base, 1, idx, src)', () => {
    const out = scatterAdd(tensor(BASE, [2, 3, 4]), 1, index(), tensor(SRC, [2, 2, 4]));
    expectCloseToFixture(out, { shape: [2, 3, 4], data: [1.685, 1.315, -0.53, -0.959, 0.017, 0.968, -0.493, -2.069, 0.034, 0.232, 0.633, 0.303, -0.837, -0.751, 1.411, 0.898, -0.075, -0.885, -0.591, 0.619, -0.027, 0.781, -0.339, -0.404] }, 'scatterAdd');
  });

  it('passes the gradient to x whole and gathers it for src, using only src\'s first index-shaped part', () => {
    const idx = tensor([[1, 0], [1, 1]]);
    const x = tensor([[1, 2], [3, 4]]);
    const out = x.scatterAdd(1, idx, tensor([[10, 20, 99], [30, 40, 99]]));
    expect(out.toArray()).toEqual([[21, 12], [3, 74]]);
    expectGradientsMatchFiniteDifferences((base, src) => scatterAdd(base, 1, idx, src), [{ shape: [2, 2], data: spread(4) }, { shape: [2, 3], data: spread(6) }]);
  });

  it('takes an index smaller than x outside dim, as torch does', () => {
    // torch.scatter_add(torch.arange(12.).reshape(3, 4), 1, torch.tensor([[3, 0, 3], [1, 1, 2]]), torch.tensor([10., 20, 30, 40, 50, 60]).reshape(2, 3))
    const idx = tensor([[3, 0, 3], [1, 1, 2]]);
    expect(scatterAdd(tensor(Float32Array.from({ length: 12 }, (_, i) => i), [3, 4]), 1, idx, tensor([10, 20, 30, 40, 50, 60], [2, 3])).toArray())
      .toEqual([[20, 1, 2, 43], [4, 95, 66, 7], [8, 9, 10, 11]]);
    expectGradientsMatchFiniteDifferences((base, src) => scatterAdd(base, 0, tensor([[1, 0], [1, 2]]), src), [{ shape: [3, 3], data: spread(9) }, { shape: [2, 2], data: spread(4) }]);
  });

  it('wants index to fit in x outside dim, and in src', () => {
    expect(() => scatterAdd(tensor([[1, 2], [3, 4]]), 1, tensor([[0], [0], [0]]), tensor([[1], [1], [1]]))).toThrow(/^simdgrad: scatterAdd: index \[3, 1\] must fit in x \[2, 2\] except along dim 1, and in src \[3, 1\]; dim 0 does not/);
    expect(() => scatterAdd(tensor([[1, 2], [3, 4]]), 1, tensor([[0, 1], [0, 1]]), tensor([[1], [1]]))).toThrow(/^simdgrad: scatterAdd: index \[2, 2\] must fit in x \[2, 2\] except along dim 1, and in src \[2, 1\]; dim 1 does not/);
    expect(() => scatterAdd(tensor([1, 2]), 0, tensor([3]), tensor([1]))).toThrow(/^simdgrad: scatterAdd: index holds 3 at position \[0\], out of range for dim 0 of x \[2\]/);
  });
});

describe('indexSelect', () => {
  it('matches torch.index_select(x, 2, [3, 0, 3]) and its gradient', () => {
    const x = sample(true);
    const out = indexSelect(x, 2, tensor([3, 0, 3]));
    expectCloseToFixture(out, { shape: [2, 3, 3], data: [-0.872, 0.296, -0.872, 0.025, -0.706, 0.025, 0.895, -0.957, 0.895, 0.814, -0.191, 0.814, -0.132, 0.778, -0.132, -0.938, 0.92, -0.938] }, 'indexSelect');
    out.backward(cosineUpstream([2, 3, 3]));
    expectCloseToFixture(x.grad, { shape: [2, 3, 4], data: [0.62161, 0, 0, 0.7727979, -0.8967584, 0, 0, -1.1148679, 0.9998586, 0, 0, 1.2430442, -0.9111303, 0, 0, -1.1327353, 0.6475963, 0, 0, 0.8051047, -0.2598174, 0, 0, -0.3230101] }, 'grad x');
  });

  it('copies whole rows (the SIMD path) and checks by finite differences', () => {
    const x = tensor(Float32Array.from({ length: 18 }, (_, i) => i), [3, 6]);
    expect(x.indexSelect(0, tensor([2, 2, 0])).toArray()).toEqual([[12, 13, 14, 15, 16, 17], [12, 13, 14, 15, 16, 17], [0, 1, 2, 3, 4, 5]]);
    expectGradientsMatchFiniteDifferences((t) => indexSelect(t, 0, tensor([1, 0, 1])), [{ shape: [2, 5], data: spread(10) }]);
  });

  it('wants a 1-D index in range', () => {
    expect(() => indexSelect(tensor([1, 2]), 0, tensor([[0]]))).toThrow(/^simdgrad: indexSelect: index must be 1-D \(or a scalar\), got shape \[1, 1\]/);
    expect(() => indexSelect(tensor([1, 2]), 0, tensor([0, 2]))).toThrow(/^simdgrad: indexSelect: index holds 2 at position \[1\], out of range for dim 0 of x \[2\]/);
  });
});

describe('oneHot', () => {
  it('puts a 1 at each class, inferring the class count from the largest index', () => {
    expect(oneHot(tensor([0, 2, 1])).toArray()).toEqual([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    expect(F.oneHot(tensor([[1], [0]]), 4).toArray()).toEqual([[[0, 1, 0, 0]], [[1, 0, 0, 0]]]);
  });

  it('rejects classes out of range and an empty index without numClasses', () => {
    expect(() => oneHot(tensor([0, 3]), 3)).toThrow(/^simdgrad: oneHot: index holds 3 at position \[1\], out of range for 3 classes/);
    expect(() => oneHot(tensor([0, -1]))).toThrow(/^simdgrad: oneHot: index holds -1 at position \[1\], out of range/);
    expect(() => oneHot(tensor([], [0]))).toThrow(/^simdgrad: oneHot: cannot infer numClasses from an empty index/);
    expect(() => oneHot(tensor([0]), -2)).toThrow(/^simdgrad: oneHot: numClasses must be an integer >= -1, got -2/);
  });
});

describe('rejected calls', () => {
  it('leave memory as it was', () => {
    const x = tensor([[1, 2], [3, 4]], undefined, { requiresGrad: true });
    const bad = tensor([[0, 5], [1, 0]]);
    const outOfRange = tensor([2]);
    expectMemoryUnchanged(() => {
      expect(() => gather(x, 1, bad)).toThrow(/^simdgrad: gather: index holds 5/);
      expect(() => scatterAdd(x, 1, bad, x)).toThrow(/^simdgrad: scatterAdd: index holds 5/);
      expect(() => indexSelect(x, 0, outOfRange)).toThrow(/^simdgrad: indexSelect: index holds 2/);
    });
  });
});
