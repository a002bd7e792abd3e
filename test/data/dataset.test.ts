import { describe, expect, it } from 'vitest';
import { data, memory, tensor } from 'simdgrad';

const { TensorDataset } = data;

describe('TensorDataset', () => {
  it('indexes rows of tensors that share their first dimension', () => {
    const features = tensor([[1, 2], [3, 4], [5, 6]]);
    const labels = tensor([7, 8, 9]);
    const dataset = new TensorDataset(features, labels);
    expect(dataset.length).toBe(3);
    const [x, y] = dataset.get(1);
    expect(x!.shape).toEqual([2]);
    expect(x!.toArray()).toEqual([3, 4]);
    expect(y!.shape).toEqual([]);
    expect(y!.item()).toBe(8);
  });

  it('gathers rows in any order into one new tensor per source', () => {
    const images = tensor(Float32Array.from({ length: 4 * 2 * 3 }, (_, i) => i), [4, 1, 2, 3]);
    const dataset = new TensorDataset(images);
    const [batch] = dataset.gather([3, 0, 1]);
    expect(batch!.shape).toEqual([3, 1, 2, 3]);
    expect(batch!.toArray()).toEqual([
      [[[18, 19, 20], [21, 22, 23]]],
      [[[0, 1, 2], [3, 4, 5]]],
      [[[6, 7, 8], [9, 10, 11]]],
    ]);
  });

  it('get() returns new tensors that the caller frees', () => {
    const dataset = new TensorDataset(tensor([[1], [2]]));
    const before = memory().tensors;
    const [row] = dataset.get(0);
    expect(memory().tensors).toBe(before + 1);
    row!.dispose();
    expect(memory().tensors).toBe(before);
  });

  it('refuses tensors with different first dimensions, scalars and nothing at all', () => {
    expect(() => new TensorDataset(tensor([[1, 2], [3, 4]]), tensor([1, 2, 3]))).toThrow(
      /TensorDataset\(\): every tensor must have the same first dimension .* tensor 1 has shape \[3\] and tensor 0 has 2 \(shapes: \[2, 2\], \[3\]\)/,
    );
    expect(() => new TensorDataset(tensor(5))).toThrow(/tensor 0 has shape \[\]/);
    expect(() => new TensorDataset()).toThrow(/needs at least one tensor/);
  });

  it('refuses an index out of range', () => {
    const dataset = new TensorDataset(tensor([1, 2, 3]));
    expect(() => dataset.get(3)).toThrow(/dataset index 3 is out of range for 3 samples; use an integer in 0..2/);
    expect(() => dataset.gather([0, -1])).toThrow(/dataset index -1 is out of range/);
  });
});
