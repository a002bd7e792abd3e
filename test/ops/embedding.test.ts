import { describe, expect, it } from 'vitest';
import { F, tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { expectMemoryUnchanged } from '../helpers/memory.js';
import { spread } from '../helpers/sample-data.js';

describe('F.embedding matches the golden fixtures', () => {
  for (const c of loadCases('embedding')) {
    it(c.name, () => {
      const input = fromFixture(c.inputs.input!);
      const weight = fromFixture(c.inputs.weight!, true);
      const out = F.embedding(input, weight, { paddingIdx: c.params.padding_idx as number | null });
      expectCloseToFixture(out, c.output, 'output');
      out.backward(fromFixture(c.inputs.upstream!));
      expectCloseToFixture(weight.grad, c.grads.weight!, 'grad weight');
    });
  }
});

describe('F.embedding', () => {
  const table = () => tensor([[1, 2], [3, 4], [5, 6]], undefined, { requiresGrad: true });

  it('reads rows into input.shape + [embeddingDim], and sums the gradient over repeated rows', () => {
    const weight = table();
    const out = F.embedding(tensor([[2, 0], [2, 2]]), weight);
    expect(out.toArray()).toEqual([[[5, 6], [1, 2]], [[5, 6], [5, 6]]]);
    out.backward(tensor([[[1, 10], [100, 1000]], [[2, 20], [3, 30]]]));
    expect(weight.grad!.toArray()).toEqual([[100, 1000], [0, 0], [6, 60]]);
  });

  it('still reads the paddingIdx row but gives it no gradient; a negative paddingIdx counts from the end', () => {
    const weight = table();
    const out = F.embedding(tensor([2, 1, 2]), weight, { paddingIdx: -1 });
    expect(out.toArray()).toEqual([[5, 6], [3, 4], [5, 6]]);
    out.backward(tensor([[1, 1], [2, 3], [1, 1]]));
    expect(weight.grad!.toArray()).toEqual([[0, 0], [2, 3], [0, 0]]);
  });

  it('has the gradient finite differences give, with embedding rows wider than one SIMD vector', () => {
    const index = tensor([[4, 1, 1], [0, 4, 3]]);
    expectGradientsMatchFiniteDifferences((w) => F.embedding(index, w), [{ shape: [5, 6], data: spread(30) }]);
  });

  it('rejects indices out of range or fractional, a weight that is not 2-D, and the options it does not implement, leaking nothing', () => {
    const weight = table();
    const [outOfRange, fractional, first, flat] = [tensor([0, 3]), tensor([0.5]), tensor([0]), tensor([1, 2])];
    expectMemoryUnchanged(() => {
      expect(() => F.embedding(outOfRange, weight)).toThrow(/^simdgrad: embedding: index holds 3 at position \[1\], out of range for the 3 rows of weight \[3, 2\]; indices must be whole numbers in \[0, 3\)/);
      expect(() => F.embedding(fractional, weight)).toThrow(/^simdgrad: embedding: index holds 0.5 at position \[0\], not a whole number/);
      expect(() => F.embedding(first, flat)).toThrow(/^simdgrad: embedding: weight must be 2-D \[numEmbeddings, embeddingDim\], got \[2\]/);
      expect(() => F.embedding(first, weight, { paddingIdx: 3 })).toThrow(/^simdgrad: embedding: paddingIdx must be within \[-3, 3\) for 3 embeddings, got 3/);
      expect(() => F.embedding(first, weight, { maxNorm: 1 })).toThrow(/^simdgrad: embedding: maxNorm is not supported/);
      expect(() => F.embedding(first, weight, { scaleGradByFreq: true })).toThrow(/^simdgrad: embedding: scaleGradByFreq is not supported/);
    });
  });
});
