// Running sums along one dimension of a tensor viewed as [outer, n, inner].

// out[o, k, i] = sum_{j <= k} x[o, j, i], or sum_{j >= k} when reverse != 0 (cumsum's backward).
export function cumsumForward(x: usize, out: usize, outer: i32, n: i32, inner: i32, reverse: i32): void {
  const first = reverse != 0 ? n - 1 : 0;
  const step = reverse != 0 ? -1 : 1;
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    let previous = -1;
    for (let s = 0, k = first; s < n; s++, k += step) {
      const row = <usize>(base + k * inner) << 2;
      if (previous < 0) {
        copyRow(x + row, out + row, inner);
      } else {
        addRows(x + row, out + (<usize>(base + previous * inner) << 2), out + row, inner);
      }
      previous = k;
    }
  }
}

@inline function copyRow(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

@inline function addRows(a: usize, b: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(dst + off, f32x4.add(v128.load(a + off), v128.load(b + off)));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(dst + off, load<f32>(a + off) + load<f32>(b + off));
  }
}
