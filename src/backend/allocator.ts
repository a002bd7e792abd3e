import { formatShape } from '../shape-util.js';
import { FreeBlocks } from './free-blocks.js';

const ALIGN = 64;
const PAGE = 65536;

export interface MemoryStats {
  /** Bytes held by live blocks. */
  bytesInUse: number;
  /** Blocks currently allocated. */
  blocks: number;
  /** Bytes in freed blocks below the top of the heap, kept for reuse. */
  bytesFree: number;
  /** The largest single block that can still be allocated: a free block, or the room above the heap up to the cap. */
  largestFreeBlock: number;
  /** Size of the whole linear memory. */
  memoryBytes: number;
}

/** What a block is for, in an out-of-memory message: a description, or a tensor's shape. */
export type BlockName = string | readonly number[];

/**
 * Hands out 64-byte-aligned blocks of the module's linear memory. A freed block merges with
 * free neighbours (and a free run at the top of the heap lowers the top), so memory freed by
 * tensors of one shape serves tensors of any other: shapes that vary from batch to batch do
 * not fragment it. Out of memory means no free range fits, even after growing to the cap.
 *
 * Merging is deferred: a freed block first waits in a list of its exact size, which is where a
 * training loop, asking for the same sizes every step, finds it again at no cost. Only when an
 * allocation finds neither a block of its size waiting, nor a free range that fits, nor room at
 * the top of the memory as it is, are the waiting blocks merged into the free ranges.
 */
export class LinearAllocator {
  private top: number;
  private readonly freeBlocks = new FreeBlocks();
  private readonly waitingBySize = new Map<number, number[]>();
  private waitingBytes = 0;
  private readonly sizeOf = new Map<number, number>();
  private bytesInUse = 0;
  private view: Float32Array;
  private intView: Int32Array;

  constructor(readonly memory: WebAssembly.Memory, heapBase: number, private readonly maxBytes: number) {
    this.top = roundUp(Math.max(heapBase, 1024), ALIGN);
    this.view = new Float32Array(memory.buffer);
    this.intView = new Int32Array(memory.buffer);
  }

  /** `what` names the block in an out-of-memory error (a tensor's shape, or a description). */
  alloc(bytes: number, what: BlockName = 'a tensor'): number {
    const size = roundUp(Math.max(bytes, 4), ALIGN);
    const ptr = this.takeWaiting(size) ?? this.takeFree(size) ?? this.bumpWithin(size) ?? this.takeMerged(size) ?? this.bump(size, what);
    this.bytesInUse += this.sizeOf.get(ptr)!;
    return ptr;
  }

  free(ptr: number): void {
    const size = this.sizeOf.get(ptr);
    if (size === undefined) throw new Error(`simdgrad: internal error: free of block ${ptr}, which is not allocated (freed twice?)`);
    this.sizeOf.delete(ptr);
    this.bytesInUse -= size;
    let waiting = this.waitingBySize.get(size);
    if (!waiting) this.waitingBySize.set(size, (waiting = []));
    waiting.push(ptr);
    this.waitingBytes += size;
  }

  /** True when `ptr` is the start of a live block. */
  isAllocated(ptr: number): boolean {
    return this.sizeOf.has(ptr);
  }

  /** A Float32Array over the whole memory, re-created after `memory.grow` detached the old one. */
  f32(): Float32Array {
    if (this.view.buffer !== this.memory.buffer) this.refreshViews();
    return this.view;
  }

  i32(): Int32Array {
    if (this.intView.buffer !== this.memory.buffer) this.refreshViews();
    return this.intView;
  }

  stats(): MemoryStats {
    this.mergeWaiting();
    return {
      bytesInUse: this.bytesInUse,
      blocks: this.sizeOf.size,
      bytesFree: this.freeBlocks.totalBytes,
      largestFreeBlock: Math.max(this.freeBlocks.largest(), this.maxBytes - this.top),
      memoryBytes: this.memory.buffer.byteLength,
    };
  }

  private takeWaiting(size: number): number | undefined {
    const ptr = this.waitingBySize.get(size)?.pop();
    if (ptr === undefined) return undefined;
    this.waitingBytes -= size;
    this.sizeOf.set(ptr, size);
    return ptr;
  }

  // Merges every waiting block into the free ranges; a range that ends at the top lowers it.
  private mergeWaiting(): void {
    if (this.waitingBytes === 0) return;
    for (const [size, starts] of this.waitingBySize) {
      for (const start of starts) {
        const merged = this.freeBlocks.insertMerging(start, size);
        if (merged.start + merged.size === this.top) {
          this.freeBlocks.remove(merged.start);
          this.top = merged.start;
        }
      }
      starts.length = 0;
    }
    this.waitingBytes = 0;
  }

  // A size with no block waiting takes a free range, or room left at the top of the memory, and
  // only then are the waiting blocks merged into the free ranges: merging empties the waiting
  // lists, so the next step's allocations of those sizes would miss them and merge again, every
  // step. Memory grows only after merging.
  private takeMerged(size: number): number | undefined {
    if (this.waitingBytes === 0) return undefined;
    this.mergeWaiting();
    return this.takeFree(size);
  }

  private bumpWithin(size: number): number | undefined {
    if (this.top + size > this.memory.buffer.byteLength) return undefined;
    const ptr = this.top;
    this.top += size;
    this.sizeOf.set(ptr, size);
    return ptr;
  }

  private takeFree(size: number): number | undefined {
    const block = this.freeBlocks.takeFitting(size);
    if (!block) return undefined;
    if (block.size - size >= ALIGN) {
      this.freeBlocks.insertMerging(block.start + size, block.size - size);
      this.sizeOf.set(block.start, size);
    } else {
      this.sizeOf.set(block.start, block.size);
    }
    return block.start;
  }

  private refreshViews(): void {
    this.view = new Float32Array(this.memory.buffer);
    this.intView = new Int32Array(this.memory.buffer);
  }

  private bump(size: number, what: BlockName): number {
    const ptr = this.top;
    const end = ptr + size;
    const have = this.memory.buffer.byteLength;
    if (end > have) this.grow(end - have, size, what);
    this.top = end;
    this.sizeOf.set(ptr, size);
    return ptr;
  }

  private grow(missing: number, size: number, what: BlockName): void {
    const have = this.memory.buffer.byteLength;
    const pages = Math.max(Math.ceil(missing / PAGE), Math.ceil(have / PAGE / 4));
    const allowed = Math.min(pages, Math.floor((this.maxBytes - have) / PAGE));
    const needed = Math.ceil(missing / PAGE);
    try {
      if (allowed < needed) throw new RangeError('maximum reached');
      this.memory.grow(allowed);
    } catch {
      throw new Error(
        `simdgrad: out of memory: ${typeof what === 'string' ? what : `a tensor of shape ${formatShape(what)}`} needs a block of ${mib(size)} MiB, but the largest free block is ` +
          `${mib(this.stats().largestFreeBlock)} MiB (${mib(this.bytesInUse)} MiB in live tensors, ${mib(this.freeBlocks.totalBytes)} MiB ` +
          `free in smaller pieces, cap ${mib(this.maxBytes)} MiB). Dispose tensors you no longer need (tidy(), dispose(); ` +
          'memory({ detail: true }) lists what is alive), use smaller batches, or pass a larger { maxMemoryMiB } to init().',
      );
    }
    this.refreshViews();
  }
}

function roundUp(n: number, multiple: number): number {
  return Math.ceil(n / multiple) * multiple;
}

function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}
