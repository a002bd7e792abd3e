import { beforeAll, describe, expect, it } from 'vitest';
import { backend, kernels } from '../../src/backend/backend.js';
import { init } from '../../src/index.js';
import { contiguousStrides, copyStrided } from '../../src/ops/strided-copy.js';

// stridedCopy(src, dst, n0..n5, s0..s5, d0..d5): dst[i . d] = src[i . s] over every index i below
// n (six dimensions, element strides). Checked against the definition, with a guard band around
// the destination that must stay untouched.

const GUARD = 8;
const SENTINEL = -12345;

beforeAll(async () => {
  await init();
});

interface Case {
  sizes: number[];
  src: number[];
  dst: number[];
}

function span(sizes: number[], strides: number[]): number {
  return 1 + sizes.reduce((n, size, d) => n + (size - 1) * Math.abs(strides[d]!), 0);
}

// Runs fn(srcPtr, dstPtr) on a source holding 0, 1, 2, ... and a sentinel-filled destination,
// and returns the destination with its guards.
function run(srcLength: number, dstLength: number, fn: (src: number, dst: number) => void): Float32Array {
  const { allocator } = backend();
  const src = allocator.alloc(4 * srcLength);
  const dst = allocator.alloc(4 * (dstLength + 2 * GUARD));
  try {
    allocator.f32().set(Float32Array.from({ length: srcLength }, (_, i) => i), src >>> 2);
    allocator.f32().fill(SENTINEL, dst >>> 2, (dst >>> 2) + dstLength + 2 * GUARD);
    fn(src, dst + 4 * GUARD);
    return allocator.f32().slice(dst >>> 2, (dst >>> 2) + dstLength + 2 * GUARD);
  } finally {
    allocator.free(src);
    allocator.free(dst);
  }
}

function expected(c: Case, dstLength: number): Float32Array {
  const out = new Float32Array(dstLength + 2 * GUARD).fill(SENTINEL);
  const count = c.sizes.reduce((n, s) => n * s, 1);
  for (let flat = 0; flat < count; flat++) {
    let rest = flat;
    let from = 0;
    let to = 0;
    for (let d = c.sizes.length - 1; d >= 0; d--) {
      const i = rest % c.sizes[d]!;
      rest = Math.floor(rest / c.sizes[d]!);
      from += i * c.src[d]!;
      to += i * c.dst[d]!;
    }
    out[GUARD + to] = from;
  }
  return out;
}

function check(c: Case, viaHost: boolean): void {
  const srcLength = span(c.sizes, c.src);
  const dstLength = span(c.sizes, c.dst);
  const got = run(srcLength, dstLength, (src, dst) => {
    if (viaHost) copyStrided({ src, dst, shape: c.sizes, srcStrides: c.src, dstStrides: c.dst });
    else kernels().stridedCopy!(src, dst, ...c.sizes, ...c.src, ...c.dst);
  });
  expect(Array.from(got)).toEqual(Array.from(expected(c, dstLength)));
}

// A permutation of a contiguous tensor: read with permuted strides, write contiguously.
function permutation(shape: number[], order: number[]): Case {
  const strides = contiguousStrides(shape);
  const sizes = order.map((d) => shape[d]!);
  return { sizes, src: order.map((d) => strides[d]!), dst: contiguousStrides(sizes) };
}

describe('stridedCopy kernel', () => {
  it('copies contiguous runs of every length (vector body and scalar tail)', () => {
    for (let n = 1; n <= 11; n++) check({ sizes: [1, 1, 1, 1, 3, n], src: [0, 0, 0, 0, n, 1], dst: [0, 0, 0, 0, n + 2, 1] }, false);
  });

  it('broadcasts a stride-0 source run', () => {
    check({ sizes: [1, 1, 1, 2, 3, 9], src: [0, 0, 0, 1, 0, 0], dst: [0, 0, 0, 27, 9, 1] }, false);
  });

  it('gathers a strided innermost run and scatters to a strided destination', () => {
    check({ sizes: [1, 1, 2, 1, 3, 5], src: [0, 0, 40, 0, 1, 7], dst: [0, 0, 1, 0, 2, 6] }, false);
  });

  it('transposes the last two dims in 4x4 tiles, with ragged edges on both sides', () => {
    for (const [rows, cols] of [[4, 4], [5, 7], [8, 13], [67, 9], [130, 6], [3, 8]]) {
      check({ sizes: [1, 1, 1, 2, rows!, cols!], src: [0, 0, 0, rows! * cols!, 1, rows!], dst: [0, 0, 0, rows! * cols!, cols!, 1] }, false);
    }
  });

  it('walks all six dimensions', () => {
    check(permutation([2, 3, 2, 3, 2, 5], [5, 0, 3, 1, 4, 2]), false);
    check(permutation([3, 2, 2, 2, 5, 6], [0, 2, 1, 3, 5, 4]), false);
  });
});

describe('copyStrided (host side)', () => {
  it('merges dimensions and loops over the leading ones beyond six', () => {
    check(permutation([2, 2, 2, 2, 2, 2, 2, 3], [7, 6, 5, 4, 3, 2, 1, 0]), true);
    check(permutation([3, 4, 5], [0, 1, 2]), true);
    check(permutation([2, 1, 5, 1, 6], [4, 1, 0, 3, 2]), true);
  });

  it('walks a transpose whose source-contiguous dim is outermost in 4x4 tiles, reordering the loops', () => {
    check(permutation([5, 6, 7], [2, 0, 1]), true);
    check(permutation([9, 3, 2, 5], [3, 1, 2, 0]), true);
  });

  it('copies nothing for an empty shape', () => {
    check({ sizes: [3, 0, 2], src: [2, 2, 1], dst: [2, 2, 1] }, true);
  });
});
