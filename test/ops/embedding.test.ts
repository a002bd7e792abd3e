import { describe, expect, it } from 'vitest';
import { F, tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { expectForwardBackwardFreesItsOwn, expectMemoryUnchanged } from '../helpers/memory.js';
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

  it('with scaleGradByFreq divides each row\'s gradient by its count in the input (values from PyTorch)', () => {
    const weight = table();
    F.embedding(tensor([[2, 0], [2, 2]]), weight, { scaleGradByFreq: true }).backward(tensor([[[1, 10], [100, 1000]], [[2, 20], [3, 30]]]));
    expect(weight.grad!.toArray()).toEqual([[100, 1000], [0, 0], [2, 20]]);
  });

  it('with maxNorm scales the rows it looks up down to that norm, in the weight itself, before reading them (values from PyTorch)', () => {
    const want: [number, number[][]][] = [
      [2, [[0.5999999880000002, 0.7999999840000003], [0.3, 0.4], [0.4472135754999588, -0.8944271509999177], [6, 8]]],
      [1, [[0.42857142244897967, 0.5714285632653062], [0.3, 0.4], [0.3333333222222226, -0.6666666444444452], [6, 8]]],
      [Infinity, [[0.7499999812500004, 0.9999999750000006], [0.3, 0.4], [0.4999999750000013, -0.9999999500000026], [6, 8]]],
      [3, [[0.6669717624834776, 0.8892956833113034], [0.3, 0.4], [0.4807498336570948, -0.9614996673141896], [6, 8]]],
    ];
    for (const [normType, rows] of want) {
      const weight = tensor([[3, 4], [0.3, 0.4], [1, -2], [6, 8]]);
      const out = F.embedding(tensor([0, 2, 0]), weight, { maxNorm: 1, normType });
      expectCloseToFixture(weight, { shape: [4, 2], data: rows.flat() }, `weight, normType ${normType}`, 1e-6);
      expectCloseToFixture(out, { shape: [3, 2], data: [rows[0]!, rows[2]!, rows[0]!].flat() }, `output, normType ${normType}`, 1e-6);
    }
  });

  it('has the gradient finite differences give, with embedding rows wider than one SIMD vector', () => {
    const index = tensor([[4, 1, 1], [0, 4, 3]]);
    expectGradientsMatchFiniteDifferences((w) => F.embedding(index, w), [{ shape: [5, 6], data: spread(30) }]);
  });

  it('rejects indices out of range or fractional, a weight that is not 2-D and bad options, leaking nothing', () => {
    const weight = table();
    const [outOfRange, fractional, first, flat] = [tensor([0, 3]), tensor([0.5]), tensor([0]), tensor([1, 2])];
    expectMemoryUnchanged(() => {
      expect(() => F.embedding(outOfRange, weight)).toThrow(/^simdgrad: embedding: index holds 3 at position \[1\], out of range for the 3 rows of weight \[3, 2\]; indices must be whole numbers in \[0, 3\)/);
      expect(() => F.embedding(fractional, weight)).toThrow(/^simdgrad: embedding: index holds 0.5 at position \[0\], not a whole number/);
      expect(() => F.embedding(first, flat)).toThrow(/^simdgrad: embedding: weight must be 2-D \[numEmbeddings, embeddingDim\], got \[2\]/);
      expect(() => F.embedding(first, weight, { paddingIdx: 3 })).toThrow(/^simdgrad: embedding: paddingIdx must be within \[-3, 3\) for 3 embeddings, got 3/);
      expect(() => F.embedding(first, weight, { maxNorm: 0 })).toThrow(/^simdgrad: embedding: maxNorm must be > 0, got 0/);
      expect(() => F.embedding(first, weight, { maxNorm: 1, normType: -1 })).toThrow(/^simdgrad: embedding: normType must be > 0, got -1/);
      expect(() => F.embedding(first, weight, { scaleGradByFreq: 1 as unknown as boolean })).toThrow(/^simdgrad: embedding: scaleGradByFreq must be true or false, got 1/);
    });
  });

  it('frees its saved indices after backward, with scaleGradByFreq too', () => {
    const weight = tensor(Float32Array.from(spread(12)), [4, 3], { requiresGrad: true });
    const index = tensor([[3, 0], [3, 1]]);
    const upstream = tensor(Float32Array.from(spread(12)), [2, 2, 3]);
    expectForwardBackwardFreesItsOwn(() => F.embedding(index, weight, { paddingIdx: 1, scaleGradByFreq: true }), upstream, [weight]);
  });
});
