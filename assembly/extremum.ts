import { rowMax, rowMin } from './row-extrema';
// Minimum or maximum along one dimension of a tensor viewed as [outer, n, inner], with the
// position of the first extreme value (written as float32, the library's only dtype), and the
// k largest or smallest values. As in torch, NaN wins both max and min (it propagates), while
// topk ranks NaN above every number (first among the largest, last among the smallest).

// values[o, i] = max_k (or min_k) x[o, k, i]; indices[o, i] = the first k reaching it.
export function extremumAxis(x: usize, values: usize, indices: usize, outer: i32, n: i32, inner: i32, wantMax: i32): void {
  if (inner == 1) {
    for (let o = 0; o < outer; o++) {
      const row = x + (<usize>(o * n) << 2);
      const m = wantMax != 0 ? rowMax(row, n) : rowMin(row, n);
      store<f32>(values + (<usize>o << 2), m);
      store<f32>(indices + (<usize>o << 2), <f32>firstIndexOf(row, n, m));
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const src = x + (<usize>(o * n * inner) << 2);
    const dst = <usize>(o * inner) << 2;
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      let best = v128.load(src + (<usize>i << 2));
      let index = i32x4.splat(0);
      for (let k = 1; k < n; k++) {
        const v = v128.load(src + (<usize>(k * inner + i) << 2));
        const strictly = wantMax != 0 ? f32x4.gt(v, best) : f32x4.lt(v, best);
        const better = v128.or(strictly, v128.andnot(f32x4.ne(v, v), f32x4.ne(best, best)));
        best = v128.bitselect(v, best, better);
        index = v128.bitselect(i32x4.splat(k), index, better);
      }
      v128.store(values + dst + (<usize>i << 2), best);
      v128.store(indices + dst + (<usize>i << 2), f32x4.convert_i32x4_s(index));
    }
    for (; i < inner; i++) {
      let best = load<f32>(src + (<usize>i << 2));
      let index = 0;
      for (let k = 1; k < n; k++) {
        const v = load<f32>(src + (<usize>(k * inner + i) << 2));
        if (isBetter(v, best, wantMax)) {
          best = v;
          index = k;
        }
      }
      store<f32>(values + dst + (<usize>i << 2), best);
      store<f32>(indices + dst + (<usize>i << 2), <f32>index);
    }
  }
}

// The k most extreme values of each x[o, :, i] in order, most extreme first; among equal values
// the lower position comes first. values and indices are viewed as [outer, k, inner]. The k best
// so far are kept as a heap with the worst at the root, in the output slots themselves, then
// heap-sorted in place: O(n log k) per row.
export function topkAxis(x: usize, values: usize, indices: usize, outer: i32, n: i32, inner: i32, k: i32, largest: i32): void {
  const stride = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const src = x + (<usize>(o * n * inner + i) << 2);
      const vals = values + (<usize>(o * k * inner + i) << 2);
      const idxs = indices + (<usize>(o * k * inner + i) << 2);
      let size = 0;
      for (let j = 0; j < n; j++) {
        const v = load<f32>(src + <usize>j * stride);
        if (size < k) {
          siftUp(vals, idxs, stride, size++, v, <f32>j, largest);
        } else if (ranksBefore(v, load<f32>(vals), largest)) {
          siftDown(vals, idxs, stride, k, v, <f32>j, largest);
        }
      }
      for (let end = k - 1; end > 0; end--) {
        const worstValue = load<f32>(vals);
        const worstIndex = load<f32>(idxs);
        const lastValue = load<f32>(vals + <usize>end * stride);
        const lastIndex = load<f32>(idxs + <usize>end * stride);
        store<f32>(vals + <usize>end * stride, worstValue);
        store<f32>(idxs + <usize>end * stride, worstIndex);
        siftDown(vals, idxs, stride, end, lastValue, lastIndex, largest);
      }
    }
  }
}

// (v, at) ranks after (w, wAt): a worse value, or an equal one from a later position.
@inline function worse(v: f32, at: f32, w: f32, wAt: f32, largest: i32): bool {
  if (ranksBefore(w, v, largest)) return true;
  return !ranksBefore(v, w, largest) && at > wAt;
}

// Places (v, at) in slot `slot` of the heap and moves it up past better parents.
function siftUp(vals: usize, idxs: usize, stride: usize, slot: i32, v: f32, at: f32, largest: i32): void {
  let pos = slot;
  while (pos > 0) {
    const parent = (pos - 1) >> 1;
    const pv = load<f32>(vals + <usize>parent * stride);
    const pi = load<f32>(idxs + <usize>parent * stride);
    if (!worse(v, at, pv, pi, largest)) break;
    store<f32>(vals + <usize>pos * stride, pv);
    store<f32>(idxs + <usize>pos * stride, pi);
    pos = parent;
  }
  store<f32>(vals + <usize>pos * stride, v);
  store<f32>(idxs + <usize>pos * stride, at);
}

// Replaces the root of a heap of `size` slots by (v, at) and moves it down past worse children.
function siftDown(vals: usize, idxs: usize, stride: usize, size: i32, v: f32, at: f32, largest: i32): void {
  let pos = 0;
  while (true) {
    let child = 2 * pos + 1;
    if (child >= size) break;
    let cv = load<f32>(vals + <usize>child * stride);
    let ci = load<f32>(idxs + <usize>child * stride);
    if (child + 1 < size) {
      const rv = load<f32>(vals + <usize>(child + 1) * stride);
      const ri = load<f32>(idxs + <usize>(child + 1) * stride);
      if (worse(rv, ri, cv, ci, largest)) {
        child++;
        cv = rv;
        ci = ri;
      }
    }
    if (!worse(cv, ci, v, at, largest)) break;
    store<f32>(vals + <usize>pos * stride, cv);
    store<f32>(idxs + <usize>pos * stride, ci);
    pos = child;
  }
  store<f32>(vals + <usize>pos * stride, v);
  store<f32>(idxs + <usize>pos * stride, at);
}

// NaN sorts above every number, as in torch.sort/topk.
@inline function ranksBefore(v: f32, other: f32, largest: i32): bool {
  if (largest != 0) return isNaN(v) ? !isNaN(other) : v > other;
  return !isNaN(v) && (v < other || isNaN(other));
}

@inline function isBetter(v: f32, best: f32, wantMax: i32): bool {
  if (isNaN(v)) return !isNaN(best);
  return wantMax != 0 ? v > best : v < best;
}

function firstIndexOf(row: usize, n: i32, m: f32): i32 {
  const wantNaN = isNaN(m);
  const target = f32x4.splat(m);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const v = v128.load(row + (<usize>k << 2));
    if (v128.any_true(v128.or(f32x4.eq(v, target), f32x4.ne(v, v)))) break;
  }
  for (; k < n; k++) {
    const v = load<f32>(row + (<usize>k << 2));
    if (v == m || (wantNaN && isNaN(v))) return k;
  }
  return 0;
}
