import { describe, expect, it } from 'vitest';
import { F, nn, tensor, type Tensor } from 'simdgrad';

function wave(shape: number[], phase = 0): Tensor {
  const size = shape.reduce((n, d) => n * d, 1);
  return tensor(Float32Array.from({ length: size }, (_, i) => Math.sin(0.7 * i + phase) * 1.5), shape);
}

describe('nn.ConvTranspose2d', () => {
  it('has weight [in, out / groups, kh, kw] and bias [out], from U(-1/√fanIn, 1/√fanIn) with fanIn = out / groups · kh · kw', () => {
    const conv = new nn.ConvTranspose2d(4, 6, [3, 2], { groups: 2 });
    expect(conv.namedParameters().map(([name, p]) => [name, [...p.shape]])).toEqual([['weight', [4, 3, 3, 2]], ['bias', [6]]]);
    const bound = 1 / Math.sqrt(3 * 3 * 2);
    for (const p of [conv.weight, conv.bias!]) expect(Math.max(...p.toFloat32Array().map(Math.abs))).toBeLessThanOrEqual(bound);
  });

  it('doubles the size with kernel 4, stride 2, padding 1 (the DCGAN upsampling), computing F.convTranspose2d', () => {
    const conv = new nn.ConvTranspose2d(3, 2, 4, { stride: 2, padding: 1 });
    const x = wave([2, 3, 5, 7]);
    const out = conv.forward(x);
    expect(out.shape).toEqual([2, 2, 10, 14]);
    expect(out.toFloat32Array()).toEqual(F.convTranspose2d(x, conv.weight, conv.bias, { stride: 2, padding: 1 }).toFloat32Array());
  });

  it('prints as PyTorch does', () => {
    expect(new nn.ConvTranspose2d(3, 2, 4).toString()).toBe('ConvTranspose2d(3, 2, kernel_size=(4, 4), stride=(1, 1))');
    expect(new nn.ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, dilation: 2, groups: 2, bias: false }).toString()).toBe(
      'ConvTranspose2d(4, 6, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(2, 2), output_padding=(1, 1), groups=2, bias=False)',
    );
  });

  it('checks its arguments and its input', () => {
    expect(() => new nn.ConvTranspose2d(3, 4, 3, { groups: 2 })).toThrow(/^simdgrad: ConvTranspose2d: inChannels \(3\) must be divisible by groups \(2\)/);
    expect(() => new nn.ConvTranspose2d(3, 4, 3, { outputPadding: 1 })).toThrow(/^simdgrad: ConvTranspose2d: outputPadding \(1, 1\) must be smaller than stride \(1, 1\) or dilation \(1, 1\)/);
    expect(() => new nn.ConvTranspose2d(2, 2, 3).forward(wave([1, 3, 4, 4]))).toThrow(/^simdgrad: ConvTranspose2d\(2, 2, kernel_size=\(3, 3\), stride=\(1, 1\)\): expected input with 2 channels/);
  });
});
