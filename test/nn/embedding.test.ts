import { describe, expect, it } from 'vitest';
import { F, manualSeed, nn, tensor } from 'simdgrad';

describe('nn.Embedding', () => {
  it('has one parameter, weight [numEmbeddings, embeddingDim], drawn from N(0, 1)', () => {
    manualSeed(0);
    const embedding = new nn.Embedding(1000, 16);
    expect(embedding.namedParameters().map(([name, p]) => [name, [...p.shape]])).toEqual([['weight', [1000, 16]]]);
    const values = embedding.weight.toFloat32Array();
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('zeroes the paddingIdx row at initialisation (negative counts from the end) and keeps its gradient zero', () => {
    const embedding = new nn.Embedding(4, 3, { paddingIdx: -2 });
    expect(embedding.paddingIdx).toBe(2);
    const rows = embedding.weight.toArray() as number[][];
    expect(rows[2]).toEqual([0, 0, 0]);
    expect(rows.filter((row) => row.every((v) => v === 0))).toHaveLength(1);
    embedding.forward(tensor([[2, 1], [2, 2]])).sum().backward();
    expect(embedding.weight.grad!.toArray()).toEqual([[0, 0, 0], [1, 1, 1], [0, 0, 0], [0, 0, 0]]);
  });

  it('passes maxNorm, normType and scaleGradByFreq to F.embedding', () => {
    manualSeed(3);
    const embedding = new nn.Embedding(3, 2, { maxNorm: 0.01, scaleGradByFreq: true });
    const before = embedding.weight.toArray() as number[][];
    embedding.forward(tensor([1, 1, 2])).sum().backward();
    const rows = embedding.weight.toArray() as number[][];
    expect(rows[0]).toEqual(before[0]);
    expect(Math.hypot(...rows[1]!)).toBeCloseTo(0.01, 6);
    expect(Math.hypot(...rows[2]!)).toBeCloseTo(0.01, 6);
    expect(embedding.weight.grad!.toArray()).toEqual([[0, 0], [1, 1], [1, 1]]);
  });

  it('looks up its own weight as F.embedding does', () => {
    const embedding = new nn.Embedding(5, 4);
    const index = tensor([[4, 0, 4]]);
    const out = embedding.forward(index);
    expect(out.shape).toEqual([1, 3, 4]);
    expect(out.toFloat32Array()).toEqual(F.embedding(index, embedding.weight).toFloat32Array());
  });

  it('fromPretrained copies the given table, frozen by default, and keeps its paddingIdx row as given', () => {
    const table = tensor([[1, 2], [3, 4], [5, 6]]);
    const frozen = nn.Embedding.fromPretrained(table, { paddingIdx: 1 });
    expect(frozen.weight.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(frozen.weight.requiresGrad).toBe(false);
    expect(frozen.weight).not.toBe(table);
    expect(frozen.toString()).toBe('Embedding(3, 2, padding_idx=1)');
    const trainable = nn.Embedding.fromPretrained(table, { freeze: false });
    trainable.forward(tensor([2, 2])).sum().backward();
    expect(trainable.weight.grad!.toArray()).toEqual([[0, 0], [0, 0], [2, 2]]);
    expect(() => nn.Embedding.fromPretrained(tensor([1, 2]))).toThrow(/^simdgrad: Embedding.fromPretrained: embeddings must be 2-D \[numEmbeddings, embeddingDim\], got \[2\]/);
    expect(() => nn.Embedding.fromPretrained(table, { freeze: 'no' as unknown as boolean })).toThrow(/^simdgrad: Embedding.fromPretrained: freeze must be true or false/);
  });

  it('prints as PyTorch does', () => {
    expect(new nn.Embedding(10, 3).toString()).toBe('Embedding(10, 3)');
    expect(new nn.Embedding(10, 3, { paddingIdx: -1 }).toString()).toBe('Embedding(10, 3, padding_idx=9)');
    expect(new nn.Embedding(10, 3, { maxNorm: 1, normType: 1, scaleGradByFreq: true }).toString()).toBe('Embedding(10, 3, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True)');
  });

  it('checks its arguments', () => {
    expect(() => new nn.Embedding(-1, 3)).toThrow(/^simdgrad: Embedding: numEmbeddings must be a non-negative integer, got -1/);
    expect(() => new nn.Embedding(4, 2.5)).toThrow(/^simdgrad: Embedding: embeddingDim must be a non-negative integer, got 2.5/);
    expect(() => new nn.Embedding(4, 2, { paddingIdx: 4 })).toThrow(/^simdgrad: Embedding: paddingIdx must be within \[-4, 4\) for 4 embeddings, got 4/);
    expect(() => new nn.Embedding(4, 2, { maxNorm: -1 })).toThrow(/^simdgrad: Embedding: maxNorm must be > 0, got -1/);
    expect(() => new nn.Embedding(4, 3).forward(tensor([4]))).toThrow(/^simdgrad: embedding: index holds 4 at position \[0\], out of range/);
  });
});
