import { backend } from './backend/backend.js';
import type { BlockName } from './backend/allocator.js';

/**
 * A block of linear memory shared by a tensor and its views (reshape, flatten) and kept
 * alive by the autograd tape while a backward pass may still need it.
 */
export class Storage {
  private refs = 1;

  constructor(readonly ptr: number, readonly length: number) {}

  static allocate(length: number, what?: BlockName): Storage {
    return new Storage(backend().allocator.alloc(length * 4, what), length);
  }

  get alive(): boolean {
    return this.refs > 0;
  }

  get shared(): boolean {
    return this.refs > 1;
  }

  retain(): void {
    if (this.refs <= 0) throw new Error('simdgrad: internal error: a freed block of memory was retained; please report the calls that led here.');
    this.refs++;
  }

  release(): void {
    if (this.refs <= 0) return;
    if (--this.refs === 0) backend().allocator.free(this.ptr);
  }
}
