import { describe, expect, it } from 'vitest';
import { F, tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { expectForwardBackwardFreesItsOwn, expectMemoryUnchanged } from '../helpers/memory.js';
import { spread } from '../helpers/sample-data.js';

describe('F.conv1d matches the golden fixtures', () => {
  for (const c of loadCases('conv1d')) {
    it(c.name, () => {
      const input = fromFixture(c.inputs.input!, true);
      const weight = fromFixture(c.inputs.weight!, true);
      const bias = c.inputs.bias ? fromFixture(c.inputs.bias, true) : null;
      const { stride, padding, dilation, groups } = c.params as { stride: number; padding: number; dilation: number; groups: number };
      const out = F.conv1d(input, weight, bias, { stride, padding, dilation, groups });
      expectCloseToFixture(out, c.output, 'output');
      out.backward(fromFixture(c.inputs.upstream!));
      expectCloseToFixture(input.grad, c.grads.input!, 'grad input');
      expectCloseToFixture(weight.grad, c.grads.weight!, 'grad weight');
      if (bias) expectCloseToFixture(bias.grad, c.grads.bias!, 'grad bias');
    });
  }
});

describe('F.conv1d', () => {
  it('slides the kernel along the sequence: a [1, -1] kernel takes differences', () => {
    const out = F.conv1d(tensor([[[1, 4, 9, 16, 25]]]), tensor([[[1, -1]]]));
    expect(out.shape).toEqual([1, 1, 4]);
    expect(out.toArray()).toEqual([[[-3, -5, -7, -9]]]);
  });

  it("keeps the length with padding 'same', the extra zero of an even kernel on the right, as PyTorch", () => {
    const out = F.conv1d(tensor([[[1, 2, 3, 4]]]), tensor([[[1, 10]]]), null, { padding: 'same' });
    expect(out.toArray()).toEqual([[[21, 32, 43, 4]]]);
    expect(F.conv1d(tensor([[[1, 2, 3, 4]]]), tensor([[[1, 10]]]), null, { padding: 'valid' }).toArray()).toEqual([[[21, 32, 43]]]);
  });

  it('has the gradients finite differences give, grouped, strided and dilated', () => {
    expectGradientsMatchFiniteDifferences((x, w, b) => F.conv1d(x, w, b, { stride: 2, padding: 2, dilation: 2, groups: 2 }), [
      { shape: [2, 4, 9], data: spread(72) },
      { shape: [6, 2, 3], data: spread(36) },
      { shape: [6], data: spread(6) },
    ]);
  });

  it('checks shapes and options before allocating', () => {
    const [x, w, flat, flatWeight] = [tensor([[[1, 2, 3]]]), tensor([[[1, 1]]]), tensor([[1, 2, 3]]), tensor([[1, 1]])];
    expectMemoryUnchanged(() => {
      expect(() => F.conv1d(flat, w)).toThrow(/^simdgrad: conv1d: expected a 3-D input \[N, C, L\], got \[1, 3\]/);
      expect(() => F.conv1d(x, flatWeight)).toThrow(/^simdgrad: conv1d: expected a 3-D weight/);
      expect(() => F.conv1d(x, w, null, { stride: 0 })).toThrow(/^simdgrad: conv1d: stride must be an integer >= 1, got 0/);
      expect(() => F.conv1d(x, w, null, { padding: 'same', stride: 2 })).toThrow(/^simdgrad: conv1d: padding 'same' needs stride 1/);
      expect(() => F.conv1d(x, w, null, { dilation: 3 })).toThrow(/^simdgrad: conv1d: the kernel 2 \(dilation 3, spanning 4\) is larger than the padded input length 3/);
      expect(() => F.conv1d(x, w, null, { groups: 2 })).toThrow(/^simdgrad: conv1d: groups 2 must divide both/);
    });
  });

  it('frees its column buffer and saved tensors after backward', () => {
    const x = tensor(Float32Array.from(spread(40)), [2, 4, 5], { requiresGrad: true });
    const w = tensor(Float32Array.from(spread(36)), [6, 2, 3], { requiresGrad: true });
    const b = tensor([1, 2, 3, 4, 5, 6], undefined, { requiresGrad: true });
    const upstream = tensor(Float32Array.from(spread(36)), [2, 6, 3]);
    expectForwardBackwardFreesItsOwn(() => F.conv1d(x, w, b, { groups: 2, stride: 2, padding: 1 }), upstream, [x, w, b]);
  });
});
