// Kernels that read or write along one dimension at positions given by an index tensor. Index
// tensors are float32 holding whole numbers (the library's only dtype); the host validates them
// with firstInvalidIndex before any of the other kernels runs. Shapes are viewed as
// [outer, n, inner] for the indexed tensor and [outer, m, inner] for index and result.

// The position of the first value that is not a whole number in [0, limit), or -1.
export function firstInvalidIndex(index: usize, count: i32, limit: i32): i32 {
  const zero = f32x4.splat(0);
  const end = f32x4.splat(<f32>limit);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const v = v128.load(index + (<usize>i << 2));
    const ok = v128.and(v128.and(f32x4.eq(f32x4.floor(v), v), f32x4.ge(v, zero)), f32x4.lt(v, end));
    if (!i32x4.all_true(ok)) break;
  }
  for (; i < count; i++) {
    const v = load<f32>(index + (<usize>i << 2));
    if (!(Mathf.floor(v) == v && v >= 0 && v < <f32>limit)) return i;
  }
  return -1;
}

// out[o, j, i] = x[o, index[o, j, i], i]
export function gatherForward(x: usize, index: usize, out: usize, outer: i32, n: i32, m: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const row = <usize>((o * m + j) * inner) << 2;
      for (let i = 0; i < inner; i++) {
        const k = <i32>load<f32>(index + row + (<usize>i << 2));
        store<f32>(out + row + (<usize>i << 2), load<f32>(x + (<usize>((o * n + k) * inner + i) << 2)));
      }
    }
  }
}

// out[o, index[o, j, i], i] += src[o, j, i]
export function scatterAddForward(src: usize, index: usize, out: usize, outer: i32, n: i32, m: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const row = <usize>((o * m + j) * inner) << 2;
      for (let i = 0; i < inner; i++) {
        const k = <i32>load<f32>(index + row + (<usize>i << 2));
        const at = out + (<usize>((o * n + k) * inner + i) << 2);
        store<f32>(at, load<f32>(at) + load<f32>(src + row + (<usize>i << 2)));
      }
    }
  }
}

// out[o, j, :] = x[o, index[j], :]
export function indexSelectForward(x: usize, index: usize, out: usize, outer: i32, n: i32, m: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const k = <i32>load<f32>(index + (<usize>j << 2));
      const from = x + (<usize>((o * n + k) * inner) << 2);
      const to = out + (<usize>((o * m + j) * inner) << 2);
      let i = 0;
      for (; i + 4 <= inner; i += 4) v128.store(to + (<usize>i << 2), v128.load(from + (<usize>i << 2)));
      for (; i < inner; i++) store<f32>(to + (<usize>i << 2), load<f32>(from + (<usize>i << 2)));
    }
  }
}

// out[o, index[j], :] += src[o, j, :]
export function indexAddForward(src: usize, index: usize, out: usize, outer: i32, n: i32, m: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const k = <i32>load<f32>(index + (<usize>j << 2));
      const from = src + (<usize>((o * m + j) * inner) << 2);
      const to = out + (<usize>((o * n + k) * inner) << 2);
      let i = 0;
      for (; i + 4 <= inner; i += 4) {
        const off = <usize>i << 2;
        v128.store(to + off, f32x4.add(v128.load(to + off), v128.load(from + off)));
      }
      for (; i < inner; i++) {
        const off = <usize>i << 2;
        store<f32>(to + off, load<f32>(to + off) + load<f32>(from + off));
      }
    }
  }
}

// out[r, c] = 1 where c == index[r], else 0.
export function oneHotForward(index: usize, out: usize, rows: i32, classes: i32): void {
  const zero = f32x4.splat(0);
  const total = rows * classes;
  let i = 0;
  for (; i + 4 <= total; i += 4) v128.store(out + (<usize>i << 2), zero);
  for (; i < total; i++) store<f32>(out + (<usize>i << 2), 0);
  for (let r = 0; r < rows; r++) {
    const c = <i32>load<f32>(index + (<usize>r << 2));
    store<f32>(out + (<usize>(r * classes + c) << 2), 1);
  }
}
