import { describe, expect, it } from 'vitest';
import { F, tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { expectForwardBackwardFreesItsOwn, expectMemoryUnchanged } from '../helpers/memory.js';
import { spread } from '../helpers/sample-data.js';

describe('F.groupNorm matches the golden fixtures', () => {
  for (const c of loadCases('group_norm')) {
    it(c.name, () => {
      const input = fromFixture(c.inputs.input!, true);
      const weight = fromFixture(c.inputs.weight!, true);
      const bias = fromFixture(c.inputs.bias!, true);
      const out = F.groupNorm(input, c.params.num_groups as number, { weight, bias, eps: c.params.eps as number });
      expectCloseToFixture(out, c.output, 'output');
      out.backward(fromFixture(c.inputs.upstream!));
      expectCloseToFixture(input.grad, c.grads.input!, 'grad input');
      expectCloseToFixture(weight.grad, c.grads.weight!, 'grad weight');
      expectCloseToFixture(bias.grad, c.grads.bias!, 'grad bias');
    });
  }
});

describe('F.groupNorm', () => {
  it('normalizes each sample over each group of channels and all positions, then scales and shifts per channel', () => {
    // One sample, 4 channels of 2 positions, 2 groups: [1, 3 | 5, 7] and [0, 0 | 2, 2].
    const x = tensor([[[1, 3], [5, 7], [0, 0], [2, 2]]]);
    const out = F.groupNorm(x, 2, { eps: 0, weight: tensor([1, 2, 1, 1]), bias: tensor([0, 0, 10, 0]) });
    const s = 1 / Math.sqrt(5);
    const want = [[[-3 * s, -s], [2 * s, 6 * s], [9, 9], [1, 1]]];
    (out.toArray() as number[][][])[0]!.flat().forEach((v, i) => expect(v).toBeCloseTo(want[0]!.flat()[i]!, 6));
  });

  it('has the gradients finite differences give, with planes of several SIMD vectors and a partial one', () => {
    expectGradientsMatchFiniteDifferences((x, w, b) => F.groupNorm(x, 2, { weight: w, bias: b }), [
      { shape: [2, 4, 7], data: spread(56).map((v, i) => v + Math.sin(i)) },
      { shape: [4], data: [0.5, -1.2, 2, 0.8] },
      { shape: [4], data: [0.1, 0.2, -0.3, 0.4] },
    ], { step: 1e-3 });
    expectGradientsMatchFiniteDifferences((x) => F.groupNorm(x, 3), [{ shape: [2, 6], data: spread(12).map((v, i) => v * (1 + (i % 3))) }], { step: 1e-3 });
  });

  it('checks its arguments before allocating', () => {
    const [x, wrong, flat] = [tensor([[[1, 2], [3, 4], [5, 6]]]), tensor([1, 2]), tensor([1, 2, 3])];
    expectMemoryUnchanged(() => {
      expect(() => F.groupNorm(x, 2)).toThrow(/^simdgrad: groupNorm: numGroups 2 must divide the 3 channels of input \[1, 3, 2\]/);
      expect(() => F.groupNorm(x, 0)).toThrow(/^simdgrad: groupNorm: numGroups must be an integer >= 1, got 0/);
      expect(() => F.groupNorm(x, 3, { weight: wrong })).toThrow(/^simdgrad: groupNorm: weight has shape \[2\] but the input \[1, 3, 2\] has 3 channels; it must be \[3\]/);
      expect(() => F.groupNorm(flat, 1)).toThrow(/^simdgrad: groupNorm: input must be \[N, C, \.\.\.\] with at least 2 dimensions/);
      expect(() => F.groupNorm(x, 3, { eps: -1 })).toThrow(/^simdgrad: groupNorm: eps must be >= 0, got -1/);
    });
  });

  it('frees its statistics and the stand-in weight and bias after backward', () => {
    const x = tensor(Float32Array.from(spread(24)), [2, 4, 3], { requiresGrad: true });
    const w = tensor([1, 2, 3, 4], undefined, { requiresGrad: true });
    const upstream = tensor(Float32Array.from(spread(24)), [2, 4, 3]);
    expectForwardBackwardFreesItsOwn(() => F.groupNorm(x, 2), upstream, [x]);
    expectForwardBackwardFreesItsOwn(() => F.groupNorm(x, 2, { weight: w }), upstream, [x, w]);
  });
});
