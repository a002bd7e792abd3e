const UNIT = 64;
// How many blocks of a size class to look through for one that fits, before moving a class up.
const CLASS_SCAN_LIMIT = 32;

export interface Block {
  start: number;
  size: number;
}

/**
 * The free blocks of the heap, found by size and by address. Size classes (four per power of
 * two, as in TLSF) keep the search for a fitting block short; maps by start and by end let a
 * freed block merge with the free blocks on either side of it.
 */
export class FreeBlocks {
  private readonly sizeByStart = new Map<number, number>();
  private readonly startByEnd = new Map<number, number>();
  private readonly classes: Set<number>[] = [];
  totalBytes = 0;

  /** Adds a free block, merged with its free neighbours; returns the merged block. */
  insertMerging(start: number, size: number): Block {
    const leftStart = this.startByEnd.get(start);
    if (leftStart !== undefined) {
      size += this.remove(leftStart);
      start = leftStart;
    }
    if (this.sizeByStart.has(start + size)) size += this.remove(start + size);
    this.add(start, size);
    return { start, size };
  }

  /** Removes the free block starting at `start` and returns its size. */
  remove(start: number): number {
    const size = this.sizeByStart.get(start)!;
    this.sizeByStart.delete(start);
    this.startByEnd.delete(start + size);
    this.classes[classOf(size)]!.delete(start);
    this.totalBytes -= size;
    return size;
  }

  /**
   * Takes a block of at least `size` bytes: one of exactly that size when its class has one
   * (a training loop asks for the same sizes every step), else the first that fits.
   */
  takeFitting(size: number): Block | undefined {
    const own = classOf(size);
    const start = this.fitInClass(own, size) ?? this.anyAbove(own);
    return start === undefined ? undefined : { start, size: this.remove(start) };
  }

  /** Size of the largest free block (0 when there is none). */
  largest(): number {
    for (let c = this.classes.length - 1; c >= 0; c--) {
      const starts = this.classes[c];
      if (!starts || starts.size === 0) continue;
      let best = 0;
      for (const start of starts) best = Math.max(best, this.sizeByStart.get(start)!);
      return best;
    }
    return 0;
  }

  private add(start: number, size: number): void {
    this.sizeByStart.set(start, size);
    this.startByEnd.set(start + size, start);
    const c = classOf(size);
    (this.classes[c] ??= new Set()).add(start);
    this.totalBytes += size;
  }

  private fitInClass(c: number, size: number): number | undefined {
    const starts = this.classes[c];
    if (!starts) return undefined;
    let fit: number | undefined;
    let looked = 0;
    for (const start of starts) {
      const blockSize = this.sizeByStart.get(start)!;
      if (blockSize === size) return start;
      if (blockSize > size && fit === undefined) fit = start;
      if (++looked === CLASS_SCAN_LIMIT) break;
    }
    return fit;
  }

  // Every block in a class above `c` is larger than any size in `c`.
  private anyAbove(c: number): number | undefined {
    for (let k = c + 1; k < this.classes.length; k++) {
      const starts = this.classes[k];
      if (starts && starts.size > 0) return starts.values().next().value;
    }
    return undefined;
  }
}

/** Size class: exact for 1-3 units, then four classes per power of two. */
export function classOf(bytes: number): number {
  const units = Math.floor(bytes / UNIT);
  if (units < 4) return units;
  const msb = 31 - Math.clz32(units);
  return 4 * (msb - 1) + ((units >>> (msb - 2)) & 3);
}
