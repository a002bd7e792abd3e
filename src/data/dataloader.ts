import { nextInt } from '../random.js';
import type { Tensor } from '../tensor.js';
import type { Dataset } from './dataset.js';
import { stackSamples } from './gather.js';
import { identityPermutation, randomPermutation, SeededRandomInt } from './shuffle.js';
import { checkOptions } from '../check-args.js';

export interface DataLoaderOptions {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Visit the samples in a new random order every epoch (default false). */
  shuffle?: boolean;
  /** Skip the last batch when it would be smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Seeds this loader's own shuffling; by default none, and shuffling follows manualSeed(). */
  seed?: number;
}

/**
 * What a DataLoader needs to continue its sequence of shuffled orders: its own generator's state
 * when it has a seed; null when it shuffles from the library's generator (saved by getRngState()).
 */
export interface DataLoaderStateDict {
  shuffleState: number | null;
}

/**
 * Batches a dataset, like torch.utils.data.DataLoader. Each pass (`for (const [x, y] of
 * loader)`) is one epoch; with `shuffle` each epoch has a new order. Every batch is a list of
 * new tensors of shape [batch, ...sample shape] that belong to the caller: dispose them (or run
 * the step inside tidy()), or use forEachBatch(), which does it for you.
 */
export class DataLoader implements Iterable<Tensor[]> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator: SeededRandomInt | null;

  constructor(readonly dataset: Dataset, options: DataLoaderOptions = {}) {
    options = checkOptions<DataLoaderOptions>('DataLoader', options) as DataLoaderOptions;
    this.batchSize = options.batchSize ?? 1;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new Error(`simdgrad: DataLoader: batchSize must be a positive integer, got ${this.batchSize}.`);
    }
    if (options.seed !== undefined && !Number.isFinite(options.seed)) {
      throw new Error(`simdgrad: DataLoader: seed must be a finite number, got ${options.seed}.`);
    }
    this.generator = options.seed === undefined ? null : new SeededRandomInt(options.seed);
  }

  /** Batches per epoch. */
  get length(): number {
    const samples = this.dataset.length;
    return this.dropLast ? Math.floor(samples / this.batchSize) : Math.ceil(samples / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<Tensor[]> {
    const order = this.shuffle ? randomPermutation(this.dataset.length, this.generator?.next ?? nextInt) : identityPermutation(this.dataset.length);
    for (let b = 0; b < this.length; b++) {
      yield this.batch(order.subarray(b * this.batchSize, (b + 1) * this.batchSize));
    }
  }

  /** The shuffling state between epochs, as torchdata's StatefulDataLoader.state_dict(). */
  stateDict(): DataLoaderStateDict {
    return { shuffleState: this.generator?.state ?? null };
  }

  /** Continues the order sequence of the loader that saved `state` (built with the same options). */
  loadStateDict(state: DataLoaderStateDict): void {
    const saved = state?.shuffleState;
    const fits = this.generator ? Number.isInteger(saved) && saved! >= 0 && saved! <= 0xffffffff : saved === null;
    if (!fits) {
      const expected = this.generator ? 'a uint32 shuffleState (this loader has a seed)' : 'shuffleState null (this loader has no seed and shuffles from the library generator)';
      throw new Error(`simdgrad: DataLoader.loadStateDict: expected ${expected}, got ${JSON.stringify(state)}; load the state of a loader built with the same seed option.`);
    }
    if (this.generator) this.generator.state = saved!;
  }

  /** Runs one epoch, calling fn with each batch and disposing the batch after fn (awaited) returns. */
  async forEachBatch(fn: (batch: Tensor[], index: number) => void | Promise<void>): Promise<void> {
    let index = 0;
    for (const batch of this) {
      try {
        await fn(batch, index++);
      } finally {
        for (const t of batch) t.dispose();
      }
    }
  }

  private batch(indices: Int32Array): Tensor[] {
    if (this.dataset.gather) return this.dataset.gather(indices);
    const samples: Tensor[][] = [];
    try {
      for (const i of indices) samples.push(this.dataset.get(i));
      return stackSamples(samples);
    } finally {
      for (const sample of samples) for (const t of sample) t.dispose();
    }
  }
}
