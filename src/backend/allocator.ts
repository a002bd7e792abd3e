const ALIGN = 64;
const PAGE = 65536;

export interface MemoryStats {
  /** Bytes held by live blocks. */
  bytesInUse: number;
  /** Blocks currently allocated. */
  blocks: number;
  /** Bytes in freed blocks kept for reuse. */
  bytesFree: number;
  /** Size of the whole linear memory. */
  memoryBytes: number;
}

/**
 * Hands out 64-byte-aligned blocks of the module's linear memory. Freed blocks go to a free
 * list per size: a training loop asks for the same sizes every step, so after the first step
 * everything is reused and memory stays flat.
 */
export class LinearAllocator {
  private top: number;
  private readonly freeBySize = new Map<number, number[]>();
  private readonly sizeOf = new Map<number, number>();
  private bytesInUse = 0;
  private bytesFree = 0;
  private view: Float32Array;
  private intView: Int32Array;

  constructor(readonly memory: WebAssembly.Memory, heapBase: number, private readonly maxBytes: number) {
    this.top = roundUp(Math.max(heapBase, 1024), ALIGN);
    this.view = new Float32Array(memory.buffer);
    this.intView = new Int32Array(memory.buffer);
  }

  alloc(bytes: number, what = 'a tensor'): number {
    const size = roundUp(Math.max(bytes, 4), ALIGN);
    const reused = this.freeBySize.get(size)?.pop() ?? this.bestFit(size);
    const ptr = reused ?? this.bump(size, what);
    if (reused !== undefined) this.bytesFree -= this.sizeOf.get(ptr)!;
    else this.sizeOf.set(ptr, size);
    this.bytesInUse += this.sizeOf.get(ptr)!;
    return ptr;
  }

  free(ptr: number): void {
    const size = this.sizeOf.get(ptr);
    if (size === undefined) throw new Error(`simdgrad: internal error: free of unknown block ${ptr}`);
    let list = this.freeBySize.get(size);
    if (!list) this.freeBySize.set(size, (list = []));
    list.push(ptr);
    this.bytesInUse -= size;
    this.bytesFree += size;
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
    return {
      bytesInUse: this.bytesInUse,
      blocks: this.sizeOf.size - countFree(this.freeBySize),
      bytesFree: this.bytesFree,
      memoryBytes: this.memory.buffer.byteLength,
    };
  }

  private refreshViews(): void {
    this.view = new Float32Array(this.memory.buffer);
    this.intView = new Int32Array(this.memory.buffer);
  }

  // A larger free block of at most twice the size, so a one-off shape does not force growth.
  private bestFit(size: number): number | undefined {
    let best: number | undefined;
    for (const [blockSize, list] of this.freeBySize) {
      if (list.length > 0 && blockSize > size && blockSize <= 2 * size && (best === undefined || blockSize < best)) best = blockSize;
    }
    return best === undefined ? undefined : this.freeBySize.get(best)!.pop();
  }

  private bump(size: number, what: string): number {
    const ptr = this.top;
    const end = ptr + size;
    const have = this.memory.buffer.byteLength;
    if (end > have) this.grow(end - have, what);
    this.top = end;
    return ptr;
  }

  private grow(missing: number, what: string): void {
    const have = this.memory.buffer.byteLength;
    const pages = Math.max(Math.ceil(missing / PAGE), Math.ceil(have / PAGE / 4));
    const allowed = Math.min(pages, Math.floor((this.maxBytes - have) / PAGE));
    const needed = Math.ceil(missing / PAGE);
    try {
      if (allowed < needed) throw new RangeError('maximum reached');
      this.memory.grow(allowed);
    } catch {
      throw new Error(
        `simdgrad: out of memory: ${what} needs ${mib(missing)} MiB more, but the wasm memory is ` +
          `${mib(have)} MiB of at most ${mib(this.maxBytes)} MiB (${mib(this.bytesInUse)} MiB in live tensors, ` +
          `${mib(this.bytesFree)} MiB free for reuse). Dispose tensors you no longer need (tidy(), dispose()), ` +
          `use smaller batches, or pass a larger { maxMemoryMiB } to init().`,
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

function countFree(freeBySize: Map<number, number[]>): number {
  let n = 0;
  for (const list of freeBySize.values()) n += list.length;
  return n;
}
