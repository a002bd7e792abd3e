import { describe, expect, it } from 'vitest';
import { data, manualSeed, memory, tensor, type Tensor } from 'simdgrad';

const { DataLoader, TensorDataset } = data;

// Sample i has features [i, 10 i] and label i, so a batch shows which samples it holds.
function numbered(n: number) {
  const features = tensor(Float32Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? k / 2 : 5 * k - 5)), [n, 2]);
  const labels = tensor(Float32Array.from({ length: n }, (_, i) => i), [n]);
  return new TensorDataset(features, labels);
}

/** The label order of one epoch, disposing each batch. */
function epochOrder(loader: InstanceType<typeof DataLoader>): number[] {
  const order: number[] = [];
  for (const [x, y] of loader) {
    order.push(...y!.toFloat32Array());
    x!.dispose();
    y!.dispose();
  }
  return order;
}

describe('DataLoader', () => {
  it('yields batches in order with the last one smaller', () => {
    const loader = new DataLoader(numbered(5), { batchSize: 2 });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    expect(batches.map(([x]) => x!.shape)).toEqual([[2, 2], [2, 2], [1, 2]]);
    expect(batches[1]![0]!.toArray()).toEqual([[2, 20], [3, 30]]);
    expect(batches[2]![1]!.toArray()).toEqual([4]);
    for (const batch of batches) for (const t of batch) t.dispose();
  });

  it('drops the incomplete last batch with dropLast', () => {
    const loader = new DataLoader(numbered(5), { batchSize: 2, dropLast: true });
    expect(loader.length).toBe(2);
    expect(epochOrder(loader)).toEqual([0, 1, 2, 3]);
    expect(new DataLoader(numbered(4), { batchSize: 2, dropLast: true }).length).toBe(2);
    expect(new DataLoader(numbered(1), { batchSize: 2, dropLast: true }).length).toBe(0);
  });

  it('defaults to batches of one sample', () => {
    const loader = new DataLoader(numbered(3));
    expect(loader.length).toBe(3);
    expect(epochOrder(loader)).toEqual([0, 1, 2]);
  });

  it('shuffles reproducibly under a seed, a new order each epoch, every sample once per epoch', () => {
    const dataset = numbered(50);
    const a = new DataLoader(dataset, { batchSize: 8, shuffle: true, seed: 7 });
    const b = new DataLoader(dataset, { batchSize: 8, shuffle: true, seed: 7 });
    const firstA = epochOrder(a);
    const secondA = epochOrder(a);
    expect(epochOrder(b)).toEqual(firstA);
    expect(epochOrder(b)).toEqual(secondA);
    expect(secondA).not.toEqual(firstA);
    expect(firstA).not.toEqual([...Array(50).keys()]);
    for (const order of [firstA, secondA]) expect([...order].sort((x, y) => x - y)).toEqual([...Array(50).keys()]);
    expect(epochOrder(new DataLoader(dataset, { batchSize: 8, shuffle: true, seed: 8 }))).not.toEqual(firstA);
  });

  it('keeps features and labels of a sample together when shuffling', () => {
    for (const [x, y] of new DataLoader(numbered(20), { batchSize: 6, shuffle: true, seed: 1 })) {
      const labels = [...y!.toFloat32Array()];
      expect(x!.toArray()).toEqual(labels.map((i) => [i, 10 * i]));
      x!.dispose();
      y!.dispose();
    }
  });

  it('without a seed, shuffles from the generator manualSeed() sets', () => {
    const dataset = numbered(30);
    manualSeed(3);
    const first = epochOrder(new DataLoader(dataset, { batchSize: 4, shuffle: true }));
    manualSeed(3);
    expect(epochOrder(new DataLoader(dataset, { batchSize: 4, shuffle: true }))).toEqual(first);
  });

  it('forEachBatch awaits each step and disposes the batches', async () => {
    const loader = new DataLoader(numbered(7), { batchSize: 3 });
    const before = memory().tensors;
    const seen: number[][] = [];
    await loader.forEachBatch(async ([, y], index) => {
      await Promise.resolve();
      seen.push([index, ...y!.toFloat32Array()]);
    });
    expect(seen).toEqual([[0, 0, 1, 2], [1, 3, 4, 5], [2, 6]]);
    expect(memory().tensors).toBe(before);
  });

  it('batches any Dataset by stacking its samples, and disposes the samples', () => {
    const squares = {
      length: 4,
      get: (i: number): Tensor[] => [tensor([i, i * i]), tensor(i % 2)],
    };
    const before = memory().tensors;
    const [[x, parity], [x2, parity2]] = [...new DataLoader(squares, { batchSize: 3 })] as Tensor[][];
    expect(x!.toArray()).toEqual([[0, 0], [1, 1], [2, 4]]);
    expect(parity!.toArray()).toEqual([0, 1, 0]);
    expect(x2!.toArray()).toEqual([[3, 9]]);
    for (const t of [x, parity, x2, parity2]) t!.dispose();
    expect(memory().tensors).toBe(before);
  });

  it('names the sample whose shapes do not match the others', () => {
    const ragged = { length: 2, get: (i: number): Tensor[] => [tensor(i === 0 ? [1, 2] : [1, 2, 3])] };
    expect(() => [...new DataLoader(ragged, { batchSize: 2 })]).toThrow(/DataLoader: sample 1 of the batch has shapes \[3\] but sample 0 has \[2\]/);
  });

  it('refuses a batch size that is not a positive integer', () => {
    expect(() => new DataLoader(numbered(2), { batchSize: 0 })).toThrow(/batchSize must be a positive integer, got 0/);
    expect(() => new DataLoader(numbered(2), { batchSize: 1.5 })).toThrow(/got 1.5/);
  });

  describe('stateDict / loadStateDict', () => {
    it('a seeded loader resumes its sequence of orders: epoch 3 of a restored loader is epoch 3 of the original', () => {
      const original = new DataLoader(numbered(20), { batchSize: 4, shuffle: true, seed: 9 });
      epochOrder(original);
      epochOrder(original);
      const state = original.stateDict();
      expect(state).toEqual({ shuffleState: expect.any(Number) });
      const third = epochOrder(original);

      const restored = new DataLoader(numbered(20), { batchSize: 4, shuffle: true, seed: 9 });
      expect(epochOrder(restored)).not.toEqual(third);
      restored.loadStateDict(JSON.parse(JSON.stringify(state)));
      expect(epochOrder(restored)).toEqual(third);
    });

    it('a loader without a seed has no state of its own (it shuffles from the generator getRngState() saves)', () => {
      expect(new DataLoader(numbered(4), { shuffle: true }).stateDict()).toEqual({ shuffleState: null });
    });

    it('refuses the state of a loader built with another seed option, and keeps its own', () => {
      const seeded = new DataLoader(numbered(8), { shuffle: true, seed: 1 });
      const before = seeded.stateDict();
      expect(() => seeded.loadStateDict({ shuffleState: null })).toThrow(
        'simdgrad: DataLoader.loadStateDict: expected a uint32 shuffleState (this loader has a seed), got {"shuffleState":null}; load the state of a loader built with the same seed option.',
      );
      expect(() => seeded.loadStateDict({ shuffleState: -1 })).toThrow(/expected a uint32 shuffleState/);
      expect(seeded.stateDict()).toEqual(before);
      expect(() => new DataLoader(numbered(8)).loadStateDict({ shuffleState: 5 })).toThrow(/expected shuffleState null \(this loader has no seed/);
    });
  });
});
