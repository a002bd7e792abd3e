import { describe, expect, it } from 'vitest';
import { gt, maskedFill, tensor, where } from 'simdgrad';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { expectMemoryUnchanged } from '../helpers/memory.js';
import { spread } from '../helpers/sample-data.js';

describe('where', () => {
  it('picks a where the condition is nonzero, else b, broadcasting all three', () => {
    const condition = tensor([[1], [0]]);
    expect(where(condition, tensor([1, 2, 3]), -1).toArray()).toEqual([[1, 2, 3], [-1, -1, -1]]);
    expect(where(tensor([0, 2, -1, 0, 0.5]), 1, 0).toArray()).toEqual([0, 1, 1, 0, 1]);
    const x = tensor([1, -2, 3]);
    expect(x.where(gt(x, 0), 0).toArray()).toEqual([1, 0, 3]);
  });

  it('routes the gradient to the branch taken, summed over broadcast dims', () => {
    const a = tensor([1, 2, 3], undefined, { requiresGrad: true });
    const b = tensor([[10], [20]], undefined, { requiresGrad: true });
    where(tensor([[1, 0, 1], [0, 0, 1]]), a, b).backward(tensor([[1, 2, 3], [4, 5, 6]]));
    expect(a.grad!.toArray()).toEqual([1, 0, 9]);
    expect(b.grad!.toArray()).toEqual([[2], [9]]);
    const condition = tensor([1, 0, 0, 1, 1, 0], [2, 3]);
    expectGradientsMatchFiniteDifferences((p, q) => where(condition, p, q), [{ shape: [2, 3], data: spread(6) }, { shape: [3], data: [0.4, -0.3, 0.2] }]);
  });

  it('rejects shapes that do not broadcast and conditions that are not tensors', () => {
    expect(() => where(tensor([1, 0]), tensor([1, 2, 3]), 0)).toThrow(/^simdgrad: where: shapes \[2\] and \[3\] cannot be broadcast together/);
    expect(() => where(true as never, 1, 0)).toThrow(/^simdgrad: where: condition must be a Tensor, got the boolean true/);
  });
});

describe('maskedFill', () => {
  it('writes the value where the mask is nonzero; the mask broadcasts', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(maskedFill(x, tensor([1, 0, 1]), -9).toArray()).toEqual([[-9, 2, -9], [-9, 5, -9]]);
    expect(x.maskedFill(gt(x, 4), -Infinity).toArray()).toEqual([[1, 2, 3], [4, -Infinity, -Infinity]]);
  });

  it('broadcasts x up to the mask, as torch.masked_fill', () => {
    // torch.zeros(3).masked_fill(torch.tensor([[True], [False]]), 5.).shape == (2, 3)
    expect(maskedFill(tensor([0, 0, 0]), tensor([[1], [0]]), 5).toArray()).toEqual([[5, 5, 5], [0, 0, 0]]);
  });

  it('zeroes the gradient of filled entries', () => {
    const mask = tensor([0, 1, 0, 0, 1, 1], [3, 2]);
    expectGradientsMatchFiniteDifferences((x) => maskedFill(x, mask, 7), [{ shape: [3, 2], data: spread(6) }]);
    const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
    maskedFill(x, tensor([[0, 1, 0], [0, 1, 1]]), 0).backward(tensor([[1, 1, 1], [1, 1, 1]]));
    expect(x.grad!.toArray()).toEqual([2, 0, 1]);
  });

  it('wants a number to fill with', () => {
    expect(() => maskedFill(tensor([1]), tensor([1]), '0' as never)).toThrow(/^simdgrad: maskedFill: value must be a number, got the string "0"/);
  });
});

describe('rejected calls', () => {
  it('leave memory as it was', () => {
    const condition = tensor([1, 0]);
    const x = tensor([1, 2, 3]);
    expectMemoryUnchanged(() => {
      expect(() => where(condition, x, 0)).toThrow(/^simdgrad: where: shapes/);
      expect(() => maskedFill(x, condition, 0)).toThrow(/^simdgrad: maskedFill: shapes/);
    });
  });
});
