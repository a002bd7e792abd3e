import { describe, expect, it } from 'vitest';
import { F, tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { expectMemoryUnchanged } from '../helpers/memory.js';
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
      expect(() => F.interpolate(x, { size: 3, mode: 'bicubic' as 'bilinear' })).toThrow(/^simdgrad: interpolate: mode must be one of 'nearest', 'bilinear'/);
      expect(() => F.interpolate(x, { size: 3, alignCorners: true })).toThrow(/^simdgrad: interpolate: alignCorners can only be set with mode 'bilinear'/);
      expect(() => F.interpolate(flat, { size: 3 })).toThrow(/^simdgrad: interpolate: expected a 4-D input \[N, C, H, W\], got \[2\]/);
    });
  });
});
