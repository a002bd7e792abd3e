import type { Tensor } from '../tensor.js';

/** What fit() needs of a model: nn.Module satisfies it. */
export interface Trainable {
  forward(input: Tensor): Tensor;
  train(mode?: boolean): unknown;
  eval(): unknown;
}

/** What fit() needs of an optimizer: every optim.* class satisfies it. */
export interface Stepper {
  zeroGrad(): void;
  step(): void;
}

export type Target = Tensor | Int32Array;

/** Batches of (input, target): a DataLoader, or any iterable of pairs. */
export type Batches = Iterable<readonly [Tensor, Target]>;

/** Whole arrays, batched by fit()/evaluate() themselves. */
export interface ArrayData {
  /** Inputs, one sample per row of the first dimension. */
  x: Tensor;
  /** Targets, one per sample: class indices or a tensor. */
  y: Target;
  /** Samples per batch (default 32). */
  batchSize?: number;
  /** Visit the samples in a new random order every epoch (default: true for fit()'s train data, false otherwise). */
  shuffle?: boolean;
}

export type LossFn = (output: Tensor, target: Target) => Tensor;

export interface EpochLogs {
  epoch: number;
  loss: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  seconds: number;
  samplesPerSecond: number;
}

export interface BatchLogs {
  epoch: number;
  batch: number;
  batches: number | undefined;
  /** Mean loss over the epoch's batches so far. */
  loss: number;
  /** Accuracy over the epoch's batches so far, with metrics: ['accuracy']. */
  accuracy?: number;
  samples: number;
  seconds: number;
}
