import { describe, expect, it } from 'vitest';
import { F, manualSeed, memory, tensor, tidy } from 'simdgrad';

const ramp = (count: number) => Float32Array.from({ length: count }, (_, i) => 0.5 + (i % 97) * 0.25);

describe('dropout', () => {
  it('is reproducible under manualSeed and differs from call to call', () => {
    const x = tensor(ramp(1000));
    manualSeed(42);
    const first = F.dropout(x).toFloat32Array();
    const second = F.dropout(x).toFloat32Array();
    manualSeed(42);
    expect(F.dropout(x).toFloat32Array()).toEqual(first);
    expect(F.dropout(x).toFloat32Array()).toEqual(second);
    expect(second).not.toEqual(first);
  });

  it('zeroes a fraction p of 10k elements and scales the survivors by 1 / (1 - p)', () => {
    manualSeed(3);
    for (const p of [0.1, 0.5, 0.8]) {
      const input = ramp(10_000);
      const out = F.dropout(tensor(input), { p }).toFloat32Array();
      const zeroed = out.filter((v) => v === 0).length / out.length;
      // Four standard deviations of a binomial fraction over 10k draws.
      expect(Math.abs(zeroed - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / 10_000));
      const scale = Math.fround(1 / (1 - p));
      out.forEach((v, i) => {
        if (v !== 0) expect(v).toBe(Math.fround(input[i]! * scale));
      });
    }
  });

  it('passes the input through unchanged in evaluation or with p = 0, gradient included', () => {
    const x = tensor([1, -2, 3], undefined, { requiresGrad: true });
    expect(Array.from(F.dropout(x, { p: 0.5, training: false }).toFloat32Array())).toEqual([1, -2, 3]);
    const y = F.dropout(x, { p: 0 });
    expect(Array.from(y.toFloat32Array())).toEqual([1, -2, 3]);
    y.backward(tensor([4, 5, 6]));
    expect(Array.from(x.grad!.toFloat32Array())).toEqual([4, 5, 6]);
  });

  it('has gradient upstream * mask * 1 / (1 - p)', () => {
    manualSeed(11);
    const p = 0.25;
    const x = tensor(ramp(103), undefined, { requiresGrad: true });
    const y = F.dropout(x, { p });
    const kept = y.toFloat32Array().map((v) => (v !== 0 ? 1 : 0));
    const upstream = Float32Array.from({ length: 103 }, (_, i) => Math.cos(i));
    y.backward(tensor(upstream));
    const scale = Math.fround(1 / (1 - p));
    expect(Array.from(x.grad!.toFloat32Array())).toEqual(Array.from(upstream, (g, i) => Math.fround(g * kept[i]! * scale)));
  });

  it('zeroes everything with p = 1, as PyTorch does', () => {
    const x = tensor([1, 2, 3, 4, 5], undefined, { requiresGrad: true });
    const y = F.dropout(x, { p: 1 });
    expect(Array.from(y.toFloat32Array())).toEqual([0, 0, 0, 0, 0]);
    y.backward(tensor([1, 1, 1, 1, 1]));
    expect(Array.from(x.grad!.toFloat32Array())).toEqual([0, 0, 0, 0, 0]);
  });

  it('rejects p outside [0, 1]', () => {
    const x = tensor([1, 2]);
    for (const p of [-0.1, 1.5, Number.NaN]) {
      expect(() => F.dropout(x, { p })).toThrow(/dropout: p must be a probability in \[0, 1\], got/);
    }
  });

  it('frees its mask with the graph', () => {
    const x = tensor(ramp(64), undefined, { requiresGrad: true });
    const before = memory().bytes;
    tidy(() => F.dropout(x).sum().backward());
    x.grad!.dispose();
    x.grad = null;
    expect(memory().bytes).toBe(before);
  });
});
