// The row passes of attention, shared by the kernels over separate problems (attention.ts) and
// over a packed projection (attention-packed.ts). Not re-exported by index.ts: internal helpers.

import { expX4, horizontalMax, horizontalSum, loadPartial, storePartial } from './vector-math';

// How the mask is read; the numbers are shared with src/ops/attention.ts.
export const MASK_NONE = 0;
export const MASK_ADD = 1;
export const MASK_KEEP = 2;

/** One row of scores -> probabilities, in place: the first `visible` entries take part, the rest become 0. */
export function softmaxRow(row: usize, mask: usize, maskKind: i32, visible: i32, s: i32, scale: f32): void {
  const scaleLanes = f32x4.splat(scale);
  const minusInfinity = f32x4.splat(-Infinity);
  let peak = minusInfinity;
  for (let j = 0; j < visible; j += 4) {
    const count = min(4, visible - j);
    const at = <usize>j << 2;
    let x = f32x4.mul(loadPartial(row + at, count, 0), scaleLanes);
    if (maskKind == MASK_ADD) x = f32x4.add(x, loadPartial(mask + at, count, 0));
    else if (maskKind == MASK_KEEP) x = v128.bitselect(x, minusInfinity, f32x4.ne(loadPartial(mask + at, count, 0), f32x4.splat(0)));
    storePartial(row + at, x, count);
    // pmax is one instruction where max must order NaNs: a NaN score is dropped from the peak
    // here, but e^(NaN - peak) still makes its row NaN.
    peak = f32x4.pmax(peak, count == 4 ? x : v128.bitselect(x, minusInfinity, lanesBelow(count)));
  }
  const top = f32x4.splat(horizontalMax(peak));
  let total = f32x4.splat(0);
  for (let j = 0; j < visible; j += 4) {
    const count = min(4, visible - j);
    const at = row + (<usize>j << 2);
    const ex = expX4(f32x4.sub(loadPartial(at, count, -Infinity), top));
    storePartial(at, ex, count);
    total = f32x4.add(total, ex);
  }
  const inverse = f32x4.splat(1 / horizontalSum(total));
  for (let j = 0; j < visible; j += 4) {
    const count = min(4, visible - j);
    const at = row + (<usize>j << 2);
    storePartial(at, f32x4.mul(loadPartial(at, count, 0), inverse), count);
  }
  for (let j = visible; j < s; j++) store<f32>(row + (<usize>j << 2), 0);
}

// All-ones in the first `count` lanes.
@inline function lanesBelow(count: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(count));
}

// In place: grad[j] = factor · p[j] (grad[j] - Σ p·grad) for j < visible, 0 after.
export function softmaxRowBackward(p: usize, grad: usize, visible: i32, s: i32, factor: f32): void {
  let dot = f32x4.splat(0);
  for (let j = 0; j < visible; j += 4) {
    const count = min(4, visible - j);
    const at = <usize>j << 2;
    dot = f32x4.add(dot, f32x4.mul(loadPartial(p + at, count, 0), loadPartial(grad + at, count, 0)));
  }
  const rowDot = f32x4.splat(horizontalSum(dot));
  const factorLanes = f32x4.splat(factor);
  for (let j = 0; j < visible; j += 4) {
    const count = min(4, visible - j);
    const at = <usize>j << 2;
    const centred = f32x4.sub(loadPartial(grad + at, count, 0), rowDot);
    storePartial(grad + at, f32x4.mul(f32x4.mul(loadPartial(p + at, count, 0), centred), factorLanes), count);
  }
  for (let j = visible; j < s; j++) store<f32>(grad + (<usize>j << 2), 0);
}
