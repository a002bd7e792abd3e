import { describe, expect, it } from 'vitest';
import { cat, chunk, split, stack, tensor } from 'simdgrad';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { spread } from '../helpers/sample-data.js';

const a = () => tensor([[1, 2, 3], [4, 5, 6]]);
const b = () => tensor([[7, 8, 9]]);

describe('cat', () => {
  it('joins along dim 0 and along a later dim', () => {
    expect(cat([a(), b()]).toArray()).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    expect(cat([a(), tensor([[0], [-1]]), a()], -1).toArray()).toEqual([[1, 2, 3, 0, 1, 2, 3], [4, 5, 6, -1, 4, 5, 6]]);
  });

  it('joins the middle dim of 3-D tensors', () => {
    const x = tensor(Float32Array.from({ length: 8 }, (_, i) => i), [2, 2, 2]);
    const y = tensor(Float32Array.from({ length: 4 }, (_, i) => 10 + i), [2, 1, 2]);
    expect(cat([x, y], 1).toArray()).toEqual([[[0, 1], [2, 3], [10, 11]], [[4, 5], [6, 7], [12, 13]]]);
  });

  it('sends each input its part of the gradient, and none to inputs that need none', () => {
    const x = tensor([[1, 2], [3, 4]], undefined, { requiresGrad: true });
    const constant = tensor([[5], [6]]);
    cat([x, constant], 1).backward(tensor([[10, 20, 30], [40, 50, 60]]));
    expect(x.grad!.toArray()).toEqual([[10, 20], [40, 50]]);
    expect(constant.grad).toBeNull();
    expectGradientsMatchFiniteDifferences((p, q) => cat([p, q, p], 1), [{ shape: [2, 2, 3], data: spread(12) }, { shape: [2, 1, 3], data: spread(6) }]);
  });

  it('names the tensor whose shape does not fit', () => {
    expect(() => cat([a(), tensor([[1, 2]])])).toThrow(/^simdgrad: cat: tensor 1 has shape \[1, 2\] but tensor 0 has \[2, 3\]; all must match except along dim 0/);
    expect(() => cat([])).toThrow(/^simdgrad: cat: expected a non-empty array of tensors, got \[\]/);
    expect(() => cat([a(), 3 as never])).toThrow(/^simdgrad: cat: tensor 1 must be a Tensor, got 3/);
    expect(() => cat([tensor(1), tensor(2)])).toThrow(/^simdgrad: cat: tensor 0 is zero-dimensional/);
    expect(() => cat([a(), a()], 2)).toThrow(/^simdgrad: cat: dim 2 is out of range for a tensor with 2 dimensions/);
  });
});

describe('stack', () => {
  it('joins along a new dimension', () => {
    const x = tensor([1, 2]);
    const y = tensor([3, 4]);
    expect(stack([x, y]).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(stack([x, y], 1).toArray()).toEqual([[1, 3], [2, 4]]);
    expect(stack([x, y], -1).shape).toEqual([2, 2]);
  });

  it('has a gradient and wants one shape', () => {
    expectGradientsMatchFiniteDifferences((p, q) => stack([p, q], 1), [{ shape: [2, 3], data: spread(6) }, { shape: [2, 3], data: spread(6).map((v) => v * 2) }]);
    expect(() => stack([a(), b()])).toThrow(/^simdgrad: stack: tensor 1 has shape \[1, 3\] but tensor 0 has \[2, 3\]; stack needs tensors of one shape/);
  });
});

describe('split and chunk', () => {
  it('split by size (last piece smaller) and by sections', () => {
    const x = tensor([[1, 2, 3, 4, 5]]);
    expect(split(x, 2, 1).map((t) => t.toArray())).toEqual([[[1, 2]], [[3, 4]], [[5]]]);
    expect(x.split([1, 4], 1).map((t) => t.toArray())).toEqual([[[1]], [[2, 3, 4, 5]]]);
  });

  it('chunk into at most n equal pieces, as torch.chunk', () => {
    const x = tensor([1, 2, 3, 4, 5, 6]);
    expect(chunk(x, 4).map((t) => t.toArray())).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(x.chunk(2).map((t) => t.toArray())).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('chunks carry gradients back to their place', () => {
    expectGradientsMatchFiniteDifferences((x) => {
      const [p, q, r] = chunk(x, 3, 1);
      return cat([r!, p!.mul(q!)], 1);
    }, [{ shape: [2, 6], data: spread(12) }]);
  });

  it('pieces carry gradients back to their place', () => {
    expectGradientsMatchFiniteDifferences((x) => {
      const [p, q] = split(x, [1, 2], 0);
      return cat([q!, p!.mul(p!)], 0);
    }, [{ shape: [3, 2], data: spread(6) }]);
  });

  it('reject sections that do not add up and sizes that are not positive', () => {
    expect(() => split(tensor([1, 2, 3]), [1, 1])).toThrow(/^simdgrad: split: sections \[1, 1\] add up to 2, but dim 0 of shape \[3\] has size 3/);
    expect(() => split(tensor([1, 2, 3]), 0)).toThrow(/^simdgrad: split: splitSize must be an integer >= 1, got 0/);
    expect(() => chunk(tensor([1, 2, 3]), 0)).toThrow(/^simdgrad: chunk: chunks must be an integer >= 1, got 0/);
  });
});
