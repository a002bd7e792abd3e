import { describe, expect, it } from 'vitest';
import { expand, permute, tensor, transpose, unsqueeze, squeeze, zeros } from 'simdgrad';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { spread } from '../helpers/sample-data.js';

// A [2, 3, 4] tensor holding its own flat index, so every moved element is identifiable.
const iota = () => tensor(Float32Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);

describe('permute', () => {
  it('reorders dimensions: out[c][a][b] = x[a][b][c]', () => {
    const out = permute(iota(), [2, 0, 1]);
    expect(out.shape).toEqual([4, 2, 3]);
    const values = out.toFloat32Array();
    for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) for (let c = 0; c < 4; c++) {
      expect(values[(c * 2 + a) * 3 + b]).toBe((a * 3 + b) * 4 + c);
    }
  });

  it('takes negative dims and works as a method with spread arguments', () => {
    expect(iota().permute(-1, 0, 1).toArray()).toEqual(permute(iota(), [2, 0, 1]).toArray());
  });

  it('handles 7-D tensors that no dimension merging brings within the kernel\'s 6', () => {
    const shape = [2, 2, 2, 2, 2, 2, 2];
    const strides = [64, 32, 16, 8, 4, 2, 1];
    const x = tensor(Float32Array.from({ length: 128 }, (_, i) => i), shape);
    const order = [6, 0, 3, 2, 5, 4, 1];
    const out = permute(x, order).toFloat32Array();
    for (let flat = 0; flat < 128; flat++) {
      // The bits of flat are the output index, outermost first.
      const source = order.reduce((sum, d, k) => sum + ((flat >> (6 - k)) & 1) * strides[d]!, 0);
      expect(out[flat]).toBe(source);
    }
  });

  it('has the inverse permutation as gradient', () => {
    expectGradientsMatchFiniteDifferences((x) => permute(x, [1, 2, 0]), [{ shape: [2, 3, 4], data: spread(24) }]);
  });

  it('rejects dims that are not a permutation', () => {
    expect(() => permute(iota(), [0, 1])).toThrow(/^simdgrad: permute: dims \[0, 1\] must list each of the tensor's 3 dimensions once/);
    expect(() => permute(iota(), [0, 1, -3])).toThrow(/^simdgrad: permute: dims \[0, 1, -3\] repeat a dimension/);
    expect(() => permute(iota(), [0, 1, 3])).toThrow(/^simdgrad: permute: dim 3 is out of range for a tensor with 3 dimensions/);
  });
});

describe('transpose', () => {
  it('swaps two dims of an N-D tensor', () => {
    const out = transpose(iota(), 0, 2);
    expect(out.shape).toEqual([4, 3, 2]);
    expect(out.toArray()).toEqual(permute(iota(), [2, 1, 0]).toArray());
    expect(iota().transpose(-1, -2).toArray()).toEqual(permute(iota(), [0, 2, 1]).toArray());
  });

  it('keeps x.transpose() and x.T for matrices', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.transpose().toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(x.T.toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
  });

  it('has a gradient', () => {
    expectGradientsMatchFiniteDifferences((x) => transpose(x, 1, 2), [{ shape: [2, 3, 4], data: spread(24) }]);
  });

  it('needs both dims, or a matrix', () => {
    expect(() => transpose(iota())).toThrow(/^simdgrad: transpose: without dims it needs a 2-D tensor, got shape \[2, 3, 4\]/);
    expect(() => transpose(iota(), 0)).toThrow(/^simdgrad: transpose: pass both dims to swap \(got dim0 0, dim1 undefined\)/);
  });
});

describe('unsqueeze and squeeze', () => {
  it('insert and remove size-1 dimensions', () => {
    const x = tensor([1, 2, 3]);
    expect(unsqueeze(x, 0).shape).toEqual([1, 3]);
    expect(unsqueeze(x, -1).shape).toEqual([3, 1]);
    expect(x.unsqueeze(1).toArray()).toEqual([[1], [2], [3]]);
    expect(squeeze(zeros([1, 3, 1, 2])).shape).toEqual([3, 2]);
    expect(squeeze(zeros([1, 3, 1, 2]), 2).shape).toEqual([1, 3, 2]);
    expect(squeeze(zeros([1, 3, 1, 2]), [0, -2]).shape).toEqual([3, 2]);
  });

  it('leaves a listed dimension whose size is not 1, as torch does', () => {
    expect(squeeze(zeros([2, 3]), 0).shape).toEqual([2, 3]);
  });

  it('pass gradients through', () => {
    expectGradientsMatchFiniteDifferences((x) => squeeze(unsqueeze(x, 1), 1).mul(x), [{ shape: [2, 3], data: spread(6) }]);
  });

  it('reject dims out of range', () => {
    expect(() => unsqueeze(tensor([1, 2]), 2)).toThrow(/^simdgrad: unsqueeze: dim 2 is out of range for a tensor with 2 dimensions/);
    expect(() => squeeze(tensor([1, 2]), 1)).toThrow(/^simdgrad: squeeze: dim 1 is out of range/);
  });
});

describe('expand', () => {
  it('repeats size-1 dimensions and adds leading ones; -1 keeps a size', () => {
    const x = tensor([[1], [2]]);
    const out = expand(x, [2, 2, 3]);
    expect(out.toArray()).toEqual([[[1, 1, 1], [2, 2, 2]], [[1, 1, 1], [2, 2, 2]]]);
    expect(x.expand(-1, 4).toArray()).toEqual([[1, 1, 1, 1], [2, 2, 2, 2]]);
  });

  it('sums the gradient over the repeated entries', () => {
    const x = tensor([[1], [2]], undefined, { requiresGrad: true });
    expand(x, [3, 2, 2]).backward(tensor(Float32Array.from({ length: 12 }, (_, i) => i), [3, 2, 2]));
    // x[0] collects 0+1, 4+5, 8+9; x[1] collects 2+3, 6+7, 10+11.
    expect(x.grad!.toArray()).toEqual([[27], [39]]);
    expectGradientsMatchFiniteDifferences((t) => expand(t, [2, 3, 4]), [{ shape: [3, 1], data: [0.3, -0.2, 0.7] }]);
  });

  it('refuses to expand a dimension that is not 1', () => {
    expect(() => expand(tensor([1, 2]), [3])).toThrow(/^simdgrad: expand: cannot expand shape \[2\] to \[3\]: dimension 0 has size 2/);
    expect(() => expand(tensor([1, 2]), [])).toThrow(/^simdgrad: expand: sizes \[\] must list at least as many dimensions as x has \(\[2\]\)/);
    expect(() => expand(tensor([1]), [1.5])).toThrow(/^simdgrad: expand: size 0 must be a non-negative integer, got 1.5/);
  });
});

describe('argument checks', () => {
  it('name a disposed input before allocating', () => {
    const x = iota();
    x.dispose();
    expect(() => permute(x, [0, 1, 2])).toThrow(/^simdgrad: permute: x is a disposed Tensor \(shape \[2, 3, 4\]\)/);
  });
});
