import { describe, expect, it } from 'vitest';
import { F, tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { expectForwardBackwardFreesItsOwn, expectMemoryUnchanged } from '../helpers/memory.js';
import { spread } from '../helpers/sample-data.js';

describe('F.interpolate matches the golden fixtures', () => {
  for (const c of loadCases('upsample')) {
    it(c.name, () => {
      const input = fromFixture(c.inputs.input!, true);
      const p = c.params as { size: [number, number] | null; scale_factor: number | null; mode: 'nearest' | 'bilinear'; align_corners: boolean | null };
      const out = F.interpolate(input, { size: p.size ?? undefined, scaleFactor: p.scale_factor ?? undefined, mode: p.mode, alignCorners: p.align_corners ?? undefined });
      expectCloseToFixture(out, c.output, 'output');
      out.backward(fromFixture(c.inputs.upstream!));
      expectCloseToFixture(input.grad, c.grads.input!, 'grad input');
    });
  }
});

describe('F.interpolate', () => {
  const image = () => tensor([[[[1, 2], [3, 4]]]]);

  it("'nearest' (the default) repeats pixels; its gradient sums each pixel's copies", () => {
    const x = tensor([[[[1, 2], [3, 4]]]], undefined, { requiresGrad: true });
    const out = F.interpolate(x, { scaleFactor: 2 });
    expect(out.toArray()).toEqual([[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]);
    out.backward(tensor(Float32Array.from({ length: 16 }, (_, i) => i), [1, 1, 4, 4]));
    expect(x.grad!.toArray()).toEqual([[[[0 + 1 + 4 + 5, 2 + 3 + 6 + 7], [8 + 9 + 12 + 13, 10 + 11 + 14 + 15]]]]);
  });

  it("'bilinear' with alignCorners keeps the corners and blends between them", () => {
    const out = F.interpolate(image(), { size: [3, 3], mode: 'bilinear', alignCorners: true });
    expect(out.toArray()).toEqual([[[[1, 1.5, 2], [2, 2.5, 3], [3, 3.5, 4]]]]);
  });

  it("'bilinear' without alignCorners reads pixel centres and repeats the edges", () => {
    const out = F.interpolate(image(), { scaleFactor: 2, mode: 'bilinear' });
    expect(out.toArray()).toEqual([[[[1, 1.25, 1.75, 2], [1.5, 1.75, 2.25, 2.5], [2.5, 2.75, 3.25, 3.5], [3, 3.25, 3.75, 4]]]]);
  });

  it("'nearest-exact' reads the pixel under each output pixel's centre (values from PyTorch)", () => {
    const x = tensor(Float32Array.from({ length: 12 }, (_, i) => i), [1, 1, 3, 4]);
    expect(Array.from(F.interpolate(x, { size: [5, 7], mode: 'nearest-exact' }).toFloat32Array())).toEqual([
      0, 0, 1, 2, 2, 3, 3, 0, 0, 1, 2, 2, 3, 3, 4, 4, 5, 6, 6, 7, 7, 8, 8, 9, 10, 10, 11, 11, 8, 8, 9, 10, 10, 11, 11,
    ]);
    expect(Array.from(F.interpolate(x, { scaleFactor: 1.7, mode: 'nearest-exact' }).toFloat32Array())).toEqual([
      0, 0, 1, 2, 2, 3, 0, 0, 1, 2, 2, 3, 4, 4, 5, 6, 6, 7, 8, 8, 9, 10, 10, 11, 8, 8, 9, 10, 10, 11,
    ]);
    expectGradientsMatchFiniteDifferences((t) => F.interpolate(t, { size: [4, 7], mode: 'nearest-exact' }), [{ shape: [1, 2, 3, 5], data: spread(30) }]);
  });

  it('with recomputeScaleFactor reads the source at dst·in/out of the rounded size, not dst/scaleFactor (values from PyTorch)', () => {
    const x = tensor(Float32Array.from({ length: 12 }, (_, i) => i), [1, 1, 3, 4]);
    const recomputed = F.interpolate(x, { scaleFactor: 1.7, mode: 'bilinear', recomputeScaleFactor: true });
    expectCloseToFixture(recomputed, { shape: [1, 1, 5, 6], data: [
      0, 0.5, 1.1666666666666665, 1.8333333333333333, 2.5, 3, 1.6, 2.1, 2.766666666666666, 3.433333333333333, 4.1, 4.6,
      4, 4.5, 5.166666666666666, 5.833333333333334, 6.5, 7, 6.4, 6.9, 7.566666666666666, 8.233333333333333, 8.9, 9.4,
      8, 8.5, 9.166666666666666, 9.833333333333334, 10.5, 11,
    ] }, 'recomputed', 1e-6);
    expect(recomputed.toFloat32Array()).toEqual(F.interpolate(x, { size: [5, 6], mode: 'bilinear' }).toFloat32Array());
    expect(recomputed.toFloat32Array()).not.toEqual(F.interpolate(x, { scaleFactor: 1.7, mode: 'bilinear' }).toFloat32Array());
  });

  it('takes separate scale factors or sizes per dimension, and can shrink', () => {
    expect(F.interpolate(image(), { scaleFactor: [1, 1.5] }).shape).toEqual([1, 1, 2, 3]);
    expect(F.interpolate(tensor(Float32Array.from({ length: 16 }, (_, i) => i), [1, 1, 4, 4]), { size: 2 }).toArray()).toEqual([[[[0, 2], [8, 10]]]]);
  });

  it('has the gradients finite differences give, over rows wider than one SIMD vector with a partial one', () => {
    const input = [{ shape: [2, 2, 3, 5], data: spread(60) }];
    expectGradientsMatchFiniteDifferences((x) => F.interpolate(x, { size: [5, 9], mode: 'bilinear' }), input);
    expectGradientsMatchFiniteDifferences((x) => F.interpolate(x, { scaleFactor: [1.5, 2.2], mode: 'bilinear', alignCorners: true }), input);
    expectGradientsMatchFiniteDifferences((x) => F.interpolate(x, { size: [4, 7] }), input);
  });

  it('checks its arguments before allocating', () => {
    const [x, flat] = [image(), tensor([1, 2])];
    expectMemoryUnchanged(() => {
      expect(() => F.interpolate(x, {})).toThrow(/^simdgrad: interpolate: give exactly one of size and scaleFactor, got neither/);
      expect(() => F.interpolate(x, { size: 3, scaleFactor: 2 })).toThrow(/^simdgrad: interpolate: give exactly one of size and scaleFactor, got both/);
      expect(() => F.interpolate(x, { size: [3, 0] })).toThrow(/^simdgrad: interpolate: size must be a positive integer or a pair \[h, w\] of them/);
      expect(() => F.interpolate(x, { scaleFactor: 0.2 })).toThrow(/^simdgrad: interpolate: scaleFactor 0.2 shrinks 2x2 to 0x0/);
      expect(() => F.interpolate(x, { size: 3, mode: 'bicubic' as 'bilinear' })).toThrow(/^simdgrad: interpolate: mode must be one of 'nearest', 'nearest-exact', 'bilinear'/);
      expect(() => F.interpolate(x, { size: 3, alignCorners: true })).toThrow(/^simdgrad: interpolate: alignCorners can only be set with mode 'bilinear', got mode 'nearest'/);
      expect(() => F.interpolate(x, { size: 3, recomputeScaleFactor: true })).toThrow(/^simdgrad: interpolate: recomputeScaleFactor needs scaleFactor/);
      expect(() => F.interpolate(flat, { size: 3 })).toThrow(/^simdgrad: interpolate: expected a 4-D input \[N, C, H, W\], got \[2\]/);
    });
  });

  it('frees what it made after backward', () => {
    const x = tensor(Float32Array.from(spread(24)), [1, 2, 3, 4], { requiresGrad: true });
    const upstream = tensor(Float32Array.from(spread(60)), [1, 2, 5, 6]);
    expectForwardBackwardFreesItsOwn(() => F.interpolate(x, { size: [5, 6], mode: 'bilinear' }), upstream, [x]);
    expectForwardBackwardFreesItsOwn(() => F.interpolate(x, { size: [5, 6] }), upstream, [x]);
  });
});
