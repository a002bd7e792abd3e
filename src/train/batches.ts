import { tensor } from '../creation.js';
import { DataLoader } from '../data/dataloader.js';
import { TensorDataset } from '../data/dataset.js';
import { formatShape } from '../shape-util.js';
import type { Tensor } from '../tensor.js';
import type { ArrayData, Batches, Target } from './types.js';

/** Where a training or evaluation pass gets its batches, and whether it must free them. */
export interface BatchSource {
  epoch(): Iterable<readonly [Tensor, Target]>;
  /** Batches per epoch, when known. */
  length: number | undefined;
  /** True when each batch is a fresh copy the pass disposes once used (DataLoader batches). */
  ownsBatches: boolean;
  dispose(): void;
}

/** Adapts a DataLoader, an iterable of [x, y] pairs, or whole arrays { x, y } into batches. */
export function batchSource(data: Batches | ArrayData, op: string, shuffleArrays: boolean): BatchSource {
  if (data instanceof DataLoader) return { epoch: () => pairs(data), length: data.length, ownsBatches: true, dispose: () => {} };
  if (isArrayData(data)) return arrayBatches(data, op, shuffleArrays);
  if (typeof (data as Iterable<unknown>)?.[Symbol.iterator] !== 'function') {
    throw new Error(`simdgrad: ${op}: data must be a DataLoader, an iterable of [input, target] batches, or { x, y } arrays.`);
  }
  return { epoch: () => data, length: (data as { length?: number }).length, ownsBatches: false, dispose: () => {} };
}

function arrayBatches(data: ArrayData, op: string, shuffle: boolean): BatchSource {
  const labels = data.y instanceof Int32Array ? tensor(Float32Array.from(data.y), [data.y.length]) : data.y;
  const inputs = data.x.shape[0] ?? 0;
  if (inputs !== labels.shape[0]) {
    if (labels !== data.y) labels.dispose();
    throw new Error(`simdgrad: ${op}: x has ${inputs} samples (shape ${formatShape(data.x.shape)}) but y has ${labels.shape[0] ?? 0}; inputs and labels must have the same first dimension.`);
  }
  const loader = new DataLoader(new TensorDataset(data.x, labels), { batchSize: data.batchSize ?? 32, shuffle: data.shuffle ?? shuffle });
  return {
    epoch: () => pairs(loader),
    length: loader.length,
    ownsBatches: true,
    dispose: () => {
      if (labels !== data.y) labels.dispose();
    },
  };
}

function* pairs(loader: DataLoader): Iterable<readonly [Tensor, Target]> {
  for (const batch of loader) {
    if (batch.length < 2) throw new Error(`simdgrad: fit: each batch must be [input, target], but the DataLoader's dataset yields ${batch.length} tensor(s); use new TensorDataset(inputs, labels).`);
    yield [batch[0]!, batch[1]!] as const;
  }
}

function isArrayData(data: Batches | ArrayData): data is ArrayData {
  return typeof data === 'object' && data !== null && 'x' in data && 'y' in data;
}
