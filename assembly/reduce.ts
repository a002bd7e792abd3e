import { rowMax } from './row-extrema';
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

// out[o, i] = max_k x[o, k, i]. NaN wins, as in torch: a NaN anywhere makes the maximum NaN.
export function maxAxisForward(x: usize, out: usize, outer: i32, n: i32, inner: i32): void {
  if (inner == 1) {
    for (let o = 0; o < outer; o++) store<f32>(out + (<usize>o << 2), rowMax(x + (<usize>(o * n) << 2), n));
    return;
  }
  for (let o = 0; o < outer; o++) {
    const src = x + (<usize>(o * n * inner) << 2);
    const dst = out + (<usize>(o * inner) << 2);
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      let best = v128.load(src + (<usize>i << 2));
      for (let k = 1; k < n; k++) best = f32x4.max(best, v128.load(src + (<usize>(k * inner + i) << 2)));
      v128.store(dst + (<usize>i << 2), best);
    }
    for (; i < inner; i++) {
      let best = load<f32>(src + (<usize>i << 2));
      for (let k = 1; k < n; k++) best = max(best, load<f32>(src + (<usize>(k * inner + i) << 2)));
      store<f32>(dst + (<usize>i << 2), best);
    }
  }
}

