// Reductions over one axis of a tensor viewed as [outer, n, inner].

// out[o, i] = sum_k x[o, k, i]
export function sumAxisForward(x: usize, out: usize, outer: i32, n: i32, inner: i32): void {
  if (inner == 1) {
    for (let o = 0; o < outer; o++) {
      const row = x + (<usize>(o * n) << 2);
      let acc = f32x4.splat(0);
      let k = 0;
      for (; k + 4 <= n; k += 4) acc = f32x4.add(acc, v128.load(row + (<usize>k << 2)));
      let s: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
      for (; k < n; k++) s += load<f32>(row + (<usize>k << 2));
      store<f32>(out + (<usize>o << 2), s);
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const dst = out + (<usize>(o * inner) << 2);
    memory.fill(dst, 0, <usize>inner << 2);
    for (let k = 0; k < n; k++) {
      const src = x + (<usize>((o * n + k) * inner) << 2);
      let i = 0;
      for (; i + 4 <= inner; i += 4) {
        const off = <usize>i << 2;
        v128.store(dst + off, f32x4.add(v128.load(dst + off), v128.load(src + off)));
      }
      for (; i < inner; i++) {
        const off = <usize>i << 2;
        store<f32>(dst + off, load<f32>(dst + off) + load<f32>(src + off));
      }
    }
  }
}

// out[o, i] = max_k x[o, k, i], and argmax[o, i] (int32) = the first k reaching it. NaN wins,
// as in torch: a NaN anywhere makes the maximum NaN and points at the first NaN.
export function maxAxisForward(x: usize, out: usize, argmax: usize, outer: i32, n: i32, inner: i32): void {
  if (inner == 1) {
    for (let o = 0; o < outer; o++) {
      const row = x + (<usize>(o * n) << 2);
      const m = rowMax(row, n);
      store<f32>(out + (<usize>o << 2), m);
      store<i32>(argmax + (<usize>o << 2), firstIndexOf(row, n, m));
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
        const better = v128.or(f32x4.gt(v, best), v128.andnot(f32x4.ne(v, v), f32x4.ne(best, best)));
        best = v128.bitselect(v, best, better);
        index = v128.bitselect(i32x4.splat(k), index, better);
      }
      v128.store(out + dst + (<usize>i << 2), best);
      v128.store(argmax + dst + (<usize>i << 2), index);
    }
    for (; i < inner; i++) {
      let best = load<f32>(src + (<usize>i << 2));
      let index = 0;
      for (let k = 1; k < n; k++) {
        const v = load<f32>(src + (<usize>(k * inner + i) << 2));
        if (v > best || (isNaN(v) && !isNaN(best))) {
          best = v;
          index = k;
        }
      }
      store<f32>(out + dst + (<usize>i << 2), best);
      store<i32>(argmax + dst + (<usize>i << 2), index);
    }
  }
}

// gradIn[o, k, i] = upstream[o, i] where k == argmax[o, i], else 0.
export function maxAxisBackward(upstream: usize, argmax: usize, gradIn: usize, outer: i32, n: i32, inner: i32): void {
  memory.fill(gradIn, 0, <usize>(outer * n * inner) << 2);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = <usize>(o * inner + i) << 2;
      const k = load<i32>(argmax + at);
      store<f32>(gradIn + (<usize>((o * n + k) * inner + i) << 2), load<f32>(upstream + at));
    }
  }
}

// f32x4.max propagates NaN, so a row holding NaN has maximum NaN.
function rowMax(row: usize, n: i32): f32 {
  let acc = f32x4.splat(-Infinity);
  let k = 0;
  for (; k + 4 <= n; k += 4) acc = f32x4.max(acc, v128.load(row + (<usize>k << 2)));
  let m = max(max(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), max(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));
  for (; k < n; k++) m = max(m, load<f32>(row + (<usize>k << 2)));
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
