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
// the lower position comes first. values and indices are viewed as [outer, k, inner].
export function topkAxis(x: usize, values: usize, indices: usize, outer: i32, n: i32, inner: i32, k: i32, largest: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const src = x + (<usize>(o * n * inner + i) << 2);
      const base = o * k * inner + i;
      let filled = 0;
      for (let j = 0; j < n; j++) {
        const v = load<f32>(src + (<usize>(j * inner) << 2));
        if (filled == k && !ranksBefore(v, load<f32>(values + (<usize>(base + (k - 1) * inner) << 2)), largest)) continue;
        let slot = filled < k ? filled++ : k - 1;
        while (slot > 0 && ranksBefore(v, load<f32>(values + (<usize>(base + (slot - 1) * inner) << 2)), largest)) {
          const from = <usize>(base + (slot - 1) * inner) << 2;
          const to = <usize>(base + slot * inner) << 2;
          store<f32>(values + to, load<f32>(values + from));
          store<f32>(indices + to, load<f32>(indices + from));
          slot--;
        }
        store<f32>(values + (<usize>(base + slot * inner) << 2), v);
        store<f32>(indices + (<usize>(base + slot * inner) << 2), <f32>j);
      }
    }
  }
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

// f32x4.max/min propagate NaN, so a row holding NaN has extreme value NaN.
function rowMax(row: usize, n: i32): f32 {
  let acc = f32x4.splat(-Infinity);
  let k = 0;
  for (; k + 4 <= n; k += 4) acc = f32x4.max(acc, v128.load(row + (<usize>k << 2)));
  let m = max(max(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), max(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));
  for (; k < n; k++) m = max(m, load<f32>(row + (<usize>k << 2)));
  return m;
}

function rowMin(row: usize, n: i32): f32 {
  let acc = f32x4.splat(Infinity);
  let k = 0;
  for (; k + 4 <= n; k += 4) acc = f32x4.min(acc, v128.load(row + (<usize>k << 2)));
  let m = min(min(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), min(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));
  for (; k < n; k++) m = min(m, load<f32>(row + (<usize>k << 2)));
  return m;
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
