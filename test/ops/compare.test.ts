import { describe, expect, it } from 'vitest';
import { eq, ge, gt, le, lt, ne, tensor } from 'simdgrad';

// Masks are float32 tensors of 0 and 1 (the library has no bool dtype).
describe('comparisons', () => {
  const a = () => tensor([[1, 2, 3, 4, 5], [5, 4, 3, 2, 1]]);

  it('compare elementwise with a number', () => {
    expect(eq(a(), 3).toArray()).toEqual([[0, 0, 1, 0, 0], [0, 0, 1, 0, 0]]);
    expect(ne(a(), 3).toArray()).toEqual([[1, 1, 0, 1, 1], [1, 1, 0, 1, 1]]);
    expect(lt(a(), 3).toArray()).toEqual([[1, 1, 0, 0, 0], [0, 0, 0, 1, 1]]);
    expect(le(a(), 3).toArray()).toEqual([[1, 1, 1, 0, 0], [0, 0, 1, 1, 1]]);
    expect(gt(a(), 3).toArray()).toEqual([[0, 0, 0, 1, 1], [1, 1, 0, 0, 0]]);
    expect(ge(a(), 3).toArray()).toEqual([[0, 0, 1, 1, 1], [1, 1, 1, 0, 0]]);
  });

  it('broadcast tensors against each other, numbers on either side', () => {
    expect(gt(a(), tensor([[2], [4]])).toArray()).toEqual([[0, 0, 1, 1, 1], [1, 0, 0, 0, 0]]);
    expect(lt(tensor([[0], [3]]), tensor([1, 2, 3, 4, 5])).toArray()).toEqual([[1, 1, 1, 1, 1], [0, 0, 0, 1, 1]]);
    expect(le(2, a()).toArray()).toEqual([[0, 1, 1, 1, 1], [1, 1, 1, 1, 0]]);
    expect(a().eq(a()).toArray()).toEqual([[1, 1, 1, 1, 1], [1, 1, 1, 1, 1]]);
  });

  it('treat NaN as torch does: unequal to everything, ne true', () => {
    const x = tensor([NaN, 1, NaN, 2, 3, NaN]);
    expect(eq(x, x).toArray()).toEqual([0, 1, 0, 1, 1, 0]);
    expect(ne(x, 1).toArray()).toEqual([1, 0, 1, 1, 1, 1]);
    expect(ge(x, -Infinity).toArray()).toEqual([0, 1, 0, 1, 1, 0]);
  });

  it('are not differentiable: the mask does not require grad', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    expect(gt(x, 1).requiresGrad).toBe(false);
  });

  it('name the op and both shapes when they do not broadcast', () => {
    expect(() => eq(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/^simdgrad: eq: shapes \[2\] and \[3\] cannot be broadcast together/);
    expect(() => gt(tensor([1]), 'x' as never)).toThrow(/^simdgrad: gt: b must be a Tensor or a number, got the string "x"/);
  });
});
