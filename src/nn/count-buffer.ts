import { kernels } from '../backend/backend.js';
import { full } from '../creation.js';
import type { Tensor } from '../tensor.js';

/**
 * A count kept in a one-element buffer, as BatchNorm's num_batches_tracked, which PyTorch stores
 * as int64. Tensors are float32, exact only up to 2^24, so the exact count lives here beside the
 * tensor that shows it; state dicts save and load the exact one (files store it as I64).
 */
export class CountBuffer {
  readonly tensor: Tensor = full([], 0);
  private count = 0;

  constructor() {
    counts.set(this.tensor, this);
  }

  /** The count; if the tensor was written some other way since, its value. */
  get(): number {
    const shown = this.tensor.item();
    if (shown !== Math.fround(this.count)) this.count = shown;
    return this.count;
  }

  set(count: number): void {
    this.count = count;
    kernels().fill(this.tensor.ptr, 1, count);
  }
}

const counts = new WeakMap<Tensor, CountBuffer>();

/** The CountBuffer whose tensor `buffer` is, if any. */
export function countOf(buffer: Tensor): CountBuffer | undefined {
  return counts.get(buffer);
}
