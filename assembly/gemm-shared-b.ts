// op(B) packed once for all the threads that compute row parts of one product. Alone, each part
// would pack every block of B again for its own rows (at N = 1024, a part of 150 rows spends a
// tenth of its time packing B). Here the parts share one packing of the whole of op(B): the
// first parts to need a block pack it together, one NR-wide panel per claim, and wait until its
// last panel is in; later parts find it ready. Nothing waits for a panel that no running thread
// has claimed, so no order of threads can deadlock.
//
// The shared area: per block of B (NC columns by KC steps, in the order blocked() visits them),
// a word counting the panels claimed and one counting those packed, padded to 64 bytes; then the
// packing of op(B), k × roundUp(n, NR) floats: KC steps after KC steps, each as the NR-wide
// panels of all n columns, so the block at (jc, pc) is the run of panels from column jc.

import { KC, NC, NR, packB } from './gemm-blocking';

/** Bytes of the area that row parts of a k-deep product with n columns share their packing of op(B) in. */
export function sharedBBytes(k: i32, n: i32): i32 {
  return <i32>progressBytes(k, n) + (k * roundUp(n, NR) << 2);
}

/** Makes the area at `shared` ready for one product: no block claimed or packed. */
export function resetSharedB(shared: usize, k: i32, n: i32): void {
  memory.fill(shared, 0, progressBytes(k, n));
}

/**
 * The block of op(B) at columns jc .. jc+nc, steps pc .. pc+kc, packed as packB packs it: helps
 * pack its panels that no thread has claimed yet, then waits until all of them are in.
 * op(B)[p, j] is at b[p*bRow + j*bCol].
 */
export function sharedBBlock(shared: usize, k: i32, n: i32, jc: i32, pc: i32, kc: i32, nc: i32, b: usize, bRow: i32, bCol: i32): usize {
  const panelFloats = roundUp(n, NR);
  const block = shared + progressBytes(k, n) + (<usize>(pc * panelFloats + jc * kc) << 2);
  const stepBlocks = (k + KC - 1) / KC;
  const claimed = shared + (<usize>((jc / NC) * stepBlocks + pc / KC) << 3);
  const packed = claimed + 4;
  const panels = (nc + NR - 1) / NR;
  for (let panel = claim(claimed); panel < panels; panel = claim(claimed)) {
    const j0 = panel * NR;
    packB(kc, min(NR, nc - j0), b + (<usize>((pc * bRow) + (jc + j0) * bCol) << 2), bRow, bCol, block + (<usize>(j0 * kc) << 2));
    markPacked(packed);
  }
  while (packedCount(packed) < panels) {}
  return block;
}

// The counters are touched by atomics in the threads builds; the others run one thread.
@inline function claim(word: usize): i32 {
  if (ASC_FEATURE_THREADS) return atomic.add<i32>(word, 1);
  const value = load<i32>(word);
  store<i32>(word, value + 1);
  return value;
}

@inline function markPacked(word: usize): void {
  if (ASC_FEATURE_THREADS) atomic.add<i32>(word, 1);
  else store<i32>(word, load<i32>(word) + 1);
}

@inline function packedCount(word: usize): i32 {
  if (ASC_FEATURE_THREADS) return atomic.load<i32>(word);
  return load<i32>(word);
}

function progressBytes(k: i32, n: i32): usize {
  const blocks = ((n + NC - 1) / NC) * ((k + KC - 1) / KC);
  return <usize>roundUp(blocks * 8, 64);
}

@inline function roundUp(x: i32, step: i32): i32 {
  return (x + step - 1) / step * step;
}
