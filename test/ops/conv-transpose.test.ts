import { describe, expect, it } from 'vitest';
import { F, tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { expectForwardBackwardFreesItsOwn, expectMemoryUnchanged } from '../helpers/memory.js';
import { spread } from '../helpers/sample-data.js';

describe('F.convTranspose2d matches the golden fixtures', () => {
  for (const c of loadCases('conv_transpose2d')) {
    it(c.name, () => {
      const input = fromFixture(c.inputs.input!, true);
      const weight = fromFixture(c.inputs.weight!, true);
      const bias = c.inputs.bias ? fromFixture(c.inputs.bias, true) : null;
      const p = c.params as { stride: number; padding: number; output_padding: number; dilation: number; groups: number };
      const out = F.convTranspose2d(input, weight, bias, { stride: p.stride, padding: p.padding, outputPadding: p.output_padding, dilation: p.dilation, groups: p.groups });
      expectCloseToFixture(out, c.output, 'output');
      out.backward(fromFixture(c.inputs.upstream!));
      expectCloseToFixture(input.grad, c.grads.input!, 'grad input');
      expectCloseToFixture(weight.grad, c.grads.weight!, 'grad weight');
      if (bias) expectCloseToFixture(bias.grad, c.grads.bias!, 'grad bias');
    });
  }
});

describe('F.convTranspose2d', () => {
  it('adds each input pixel times the kernel at stride steps: a 2x2 input and a 2x2 kernel of ones at stride 2 tile a 4x4 output', () => {
    const out = F.convTranspose2d(tensor([[[[1, 2], [3, 4]]]]), tensor([[[[1, 1], [1, 1]]]]), tensor([0.5]), { stride: 2 });
    expect(out.toArray()).toEqual([[[[1.5, 1.5, 2.5, 2.5], [1.5, 1.5, 2.5, 2.5], [3.5, 3.5, 4.5, 4.5], [3.5, 3.5, 4.5, 4.5]]]]);
  });

  it('overlaps footprints at stride 1, and is the input gradient of conv2d with the same weight', () => {
    const x = tensor([[[[1, 2], [3, 4]]]]);
    const w = tensor([[[[1, 10], [100, 1000]]]]);
    const out = F.convTranspose2d(x, w);
    expect(out.toArray()).toEqual([[[[1, 12, 20], [103, 1234, 2040], [300, 3400, 4000]]]]);
    const image = tensor(new Float32Array(9), [1, 1, 3, 3], { requiresGrad: true });
    F.conv2d(image, w).backward(x);
    expect(image.grad!.toArray()).toEqual(out.toArray());
  });

  it('has the gradients finite differences give, grouped, strided, dilated, with output padding', () => {
    expectGradientsMatchFiniteDifferences((x, w, b) => F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1, dilation: [1, 2], groups: 2 }), [
      { shape: [2, 4, 3, 3], data: spread(72) },
      { shape: [4, 3, 3, 2], data: spread(72) },
      { shape: [6], data: spread(6) },
    ]);
    expectGradientsMatchFiniteDifferences((x, w) => F.convTranspose2d(x, w), [
      { shape: [1, 3, 2, 5], data: spread(30) },
      { shape: [3, 2, 1, 1], data: spread(6) },
    ]);
  });

  it('checks shapes and options before allocating', () => {
    const [x, w, flat, wrongIn] = [tensor([[[[1, 2], [3, 4]]]]), tensor([[[[1, 1], [1, 1]]]]), tensor([[1, 2]]), tensor(new Float32Array(8), [2, 1, 2, 2])];
    expectMemoryUnchanged(() => {
      expect(() => F.convTranspose2d(flat, w)).toThrow(/^simdgrad: convTranspose2d: expected a 4-D input/);
      expect(() => F.convTranspose2d(x, wrongIn)).toThrow(/^simdgrad: convTranspose2d: weight \[2, 1, 2, 2\] is for 2 input channels \(its first dimension\), but input \[1, 1, 2, 2\] has 1/);
      expect(() => F.convTranspose2d(x, w, null, { outputPadding: 1 })).toThrow(/^simdgrad: convTranspose2d: outputPadding \[1, 1\] must be smaller than stride \[1, 1\] or dilation \[1, 1\]/);
      expect(() => F.convTranspose2d(x, w, null, { padding: 2 })).toThrow(/^simdgrad: convTranspose2d: padding \[2, 2\] cuts away the whole output/);
      expect(() => F.convTranspose2d(x, w, x)).toThrow(/^simdgrad: convTranspose2d: bias \[1, 1, 2, 2\] must be \[1\]/);
    });
  });

  it('frees its column buffer and saved tensors after backward', () => {
    const x = tensor(Float32Array.from(spread(36)), [1, 4, 3, 3], { requiresGrad: true });
    const w = tensor(Float32Array.from(spread(36)), [4, 1, 3, 3], { requiresGrad: true });
    const b = tensor([1, 2], undefined, { requiresGrad: true });
    const upstream = tensor(Float32Array.from(spread(72)), [1, 2, 6, 6]);
    expectForwardBackwardFreesItsOwn(() => F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }), upstream, [x, w, b]);
  });
});
