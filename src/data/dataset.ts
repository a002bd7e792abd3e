import type { Tensor } from '../tensor.js';
import { formatShape } from '../shape-util.js';
import { gatherRows, takeRow } from './gather.js';
import { checkTensor } from '../check-args.js';

/**
 * Anything a DataLoader can batch, like torch.utils.data.Dataset: `length` samples, and
 * `get(i)` returning sample i as new tensors the caller owns (the DataLoader copies them into
 * the batch and disposes them). Every sample must have the same number of tensors and shapes.
 */
export interface Dataset {
  readonly length: number;
  get(index: number): Tensor[];
  /** Optional fast path: the samples at `indices` already stacked, one new tensor per position. */
  gather?(indices: ArrayLike<number>): Tensor[];
}

/**
 * A dataset over tensors that share their first dimension, like torch.utils.data.TensorDataset:
 * sample i is row i of each. The dataset does not own the tensors: dispose them yourself when
 * you no longer need the dataset.
 */
export class TensorDataset implements Dataset {
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new Error('simdgrad: TensorDataset(): needs at least one tensor, e.g. new TensorDataset(images, labels).');
    tensors.forEach((t, i) => checkTensor('TensorDataset', `tensor ${i}`, t));
    const rows = tensors[0]!.shape[0];
    tensors.forEach((t, i) => {
      if (t.ndim === 0 || t.shape[0] !== rows) {
        const shapes = tensors.map((u) => formatShape(u.shape)).join(', ');
        throw new Error(
          `simdgrad: TensorDataset(): every tensor must have the same first dimension (the number of samples), but tensor ${i} has shape ${formatShape(t.shape)} ` +
            `and tensor 0 has ${rows ?? 'none'} (shapes: ${shapes}); reshape them so dim 0 indexes the samples.`,
        );
      }
    });
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  /** Row `index` of every tensor, as new tensors without the first dimension. */
  get(index: number): Tensor[] {
    return this.tensors.map((t) => takeRow(t, index));
  }

  /** Rows `indices` of every tensor, each copied into one new tensor of shape [indices.length, ...]. */
  gather(indices: ArrayLike<number>): Tensor[] {
    return this.tensors.map((t) => gatherRows(t, indices));
  }
}
