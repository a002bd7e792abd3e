import { describe, expect, it } from 'vitest';
import { arange, full, keep, manualSeed, memory, ones, rand, randn, tensor, tidy, zeros } from 'simdgrad';

describe('Tensor', () => {
  it('is created from nested arrays, flat data with a shape, or factories', () => {
    expect(tensor([[1, 2, 3], [4, 5, 6]]).shape).toEqual([2, 3]);
    expect(tensor([1, 2, 3, 4], [2, 2]).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(tensor(7).item()).toBe(7);
    expect(zeros([2, 2]).toArray()).toEqual([[0, 0], [0, 0]]);
    expect(ones([3]).toArray()).toEqual([1, 1, 1]);
    expect(full([2], 2.5).toArray()).toEqual([2.5, 2.5]);
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
  });

  it('refuses data that does not fill the shape', () => {
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/tensor\(\): 3 values do not fill shape \[2, 2\] \(4 elements\)/);
    expect(() => tensor([[1, 2], [3]] as number[][])).toThrow(/ragged/);
  });

  it('draws reproducible random values under manualSeed', () => {
    manualSeed(42);
    const a = randn([1000]).toFloat32Array();
    manualSeed(42);
    const b = randn([1000]).toFloat32Array();
    expect(a).toEqual(b);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(Math.abs(variance - 1)).toBeLessThan(0.1);
    const u = rand([1000], { low: -2, high: 2 }).toFloat32Array();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(2);
  });

  it('throws a clear error when a disposed tensor is used', () => {
    const x = tensor([1, 2, 3]);
    x.dispose();
    expect(() => x.add(1)).toThrow(/simdgrad: add: input is a disposed Tensor \(shape \[3\]\)/);
    expect(() => x.toFloat32Array()).toThrow(/disposed tensor/);
  });

  it('frees memory on dispose, with `using`, and at the end of tidy', () => {
    const before = memory();
    const kept = tidy(() => {
      const a = ones([256]);
      const b = a.mul(2);
      keep(a.add(b));
      return b.sum();
    });
    expect(kept.item()).toBe(512);
    expect(memory().tensors).toBe(before.tensors + 2);
    kept.dispose();
    {
      using scoped = zeros([1024]);
      expect(scoped.size).toBe(1024);
    }
    expect(memory().tensors).toBe(before.tensors + 1);
  });

  it('shares memory between a tensor and its reshaped view', () => {
    const x = tensor([1, 2, 3, 4]);
    const view = x.reshape(2, 2);
    x.dispose();
    expect(view.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it('item() names the shape when the tensor has more than one element', () => {
    expect(() => tensor([1, 2]).item()).toThrow(/item\(\) needs a tensor with one element, got shape \[2\]/);
  });
});
