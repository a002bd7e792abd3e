import { backend } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';

const WORD = 4;

/**
 * The table a multi-tensor kernel reads (assembly/optim.ts): one entry of 32-bit words per
 * tensor, written in the order the kernel documents (addresses and sizes as integers, then
 * float32 coefficients), so one call covers many tensors. Its wasm block grows when a step
 * needs more room and is otherwise reused, so memory stays flat; dispose() frees it.
 */
export class TensorTable {
  private address = 0;
  private capacityWords = 0;
  private cursor = 0;
  private ints: Int32Array = new Int32Array(0);
  private floats: Float32Array = new Float32Array(0);

  constructor(private readonly what: string) {}

  /** Makes room for `words` words and starts writing at the first; returns the table's address. */
  start(words: number): number {
    if (words > this.capacityWords) this.grow(words);
    this.cursor = this.address / WORD;
    return this.address;
  }

  /** A tensor's address, or 0 (the kernels' "absent") for null. */
  pointer(tensor: Tensor | null): void {
    this.integer(tensor === null ? 0 : tensor.ptr);
  }

  integer(value: number): void {
    if (this.cursor >= this.ints.length) this.refreshViews();
    this.ints[this.cursor++] = value;
  }

  /** Rounded to float32, as a kernel's f32 argument would be. */
  float(value: number): void {
    if (this.cursor >= this.floats.length) this.refreshViews();
    this.floats[this.cursor++] = value;
  }

  /** Writes the address and size of each tensor: the entries firstNonFiniteTensor and sumOfSquaresTensors read. */
  list(tensors: readonly Tensor[]): number {
    const address = this.start(2 * tensors.length);
    for (const tensor of tensors) {
      this.pointer(tensor);
      this.integer(tensor.size);
    }
    return address;
  }

  dispose(): void {
    if (this.capacityWords > 0) backend().allocator.free(this.address);
    this.address = 0;
    this.capacityWords = 0;
  }

  // Creating a state buffer between two writes may grow the memory, which detaches the views'
  // buffer and leaves them with length 0; reading memory.buffer on every write would cost more
  // than the kernel call saves.
  private refreshViews(): void {
    const allocator = backend().allocator;
    this.ints = allocator.i32();
    this.floats = allocator.f32();
  }

  private grow(words: number): void {
    const capacity = Math.max(words, 2 * this.capacityWords);
    this.dispose();
    this.address = backend().allocator.alloc(capacity * WORD, this.what);
    this.capacityWords = capacity;
  }
}
