import { backend } from '../../src/backend/backend.js';

/**
 * Copies each array into freshly allocated linear memory, runs fn with their addresses, and
 * returns every buffer's contents afterwards (kernel tests read inputs and outputs alike).
 */
export function withBuffers(arrays: ArrayLike<number>[], fn: (...ptrs: number[]) => void): Float32Array[] {
  const { allocator } = backend();
  const ptrs = arrays.map((a) => allocator.alloc(4 * Math.max(a.length, 1)));
  try {
    arrays.forEach((a, i) => allocator.f32().set(Float32Array.from(a), ptrs[i]! >>> 2));
    fn(...ptrs);
    return arrays.map((a, i) => allocator.f32().slice(ptrs[i]! >>> 2, (ptrs[i]! >>> 2) + a.length));
  } finally {
    ptrs.forEach((p) => allocator.free(p));
  }
}

/** Deterministic pseudo-random integers in [0, range). */
export function integers(count: number, range: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 16) % range;
  });
}
