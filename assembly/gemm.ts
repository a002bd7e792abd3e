// C[m,n] (+)= op(A)[m,k] * op(B)[k,n], row-major, op = transpose when the flag is set.
// A is stored [m,k] (or [k,m] when transA), B is [k,n] (or [n,k] when transB).

@inline function rowAxpy(c: usize, b: usize, n: i32, alpha: f32): void {
  const av = f32x4.splat(alpha);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const off = <usize>j << 2;
    v128.store(c + off, f32x4.add(v128.load(c + off), f32x4.mul(av, v128.load(b + off))));
  }
  for (; j < n; j++) {
    const off = <usize>j << 2;
    store<f32>(c + off, load<f32>(c + off) + alpha * load<f32>(b + off));
  }
}

@inline function dot(a: usize, b: usize, k: i32): f32 {
  let acc = f32x4.splat(0);
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    const off = <usize>p << 2;
    acc = f32x4.add(acc, f32x4.mul(v128.load(a + off), v128.load(b + off)));
  }
  let s: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; p < k; p++) s += load<f32>(a + (<usize>p << 2)) * load<f32>(b + (<usize>p << 2));
  return s;
}

export function gemm(transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: i32): void {
  if (!accumulate) memory.fill(c, 0, <usize>(m * n) << 2);
  if (transB && !transA) {
    for (let i = 0; i < m; i++) {
      const arow = a + (<usize>(i * k) << 2);
      for (let j = 0; j < n; j++) {
        const cp = c + (<usize>(i * n + j) << 2);
        store<f32>(cp, load<f32>(cp) + dot(arow, b + (<usize>(j * k) << 2), k));
      }
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    const crow = c + (<usize>(i * n) << 2);
    for (let p = 0; p < k; p++) {
      const aip = transA ? load<f32>(a + (<usize>(p * m + i) << 2)) : load<f32>(a + (<usize>(i * k + p) << 2));
      if (transB) {
        for (let j = 0; j < n; j++) {
          const cp = crow + (<usize>j << 2);
          store<f32>(cp, load<f32>(cp) + aip * load<f32>(b + (<usize>(j * k + p) << 2)));
        }
      } else {
        rowAxpy(crow, b + (<usize>(p * n) << 2), n, aip);
      }
    }
  }
}
