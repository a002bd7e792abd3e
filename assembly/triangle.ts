// tril/triu over the last two dimensions of a tensor viewed as [batch, rows, cols].

// Keeps x[b, r, c] where c - r <= diagonal (lower) or c - r >= diagonal (upper), zeroes the rest.
export function triangleForward(x: usize, out: usize, batch: i32, rows: i32, cols: i32, diagonal: i32, upper: i32): void {
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < rows; r++) {
      const row = <usize>((b * rows + r) * cols) << 2;
      const edge = min(max(r + diagonal + (upper != 0 ? 0 : 1), 0), cols);
      if (upper != 0) {
        zeroRun(out + row, edge);
        copyRun(x + row + (<usize>edge << 2), out + row + (<usize>edge << 2), cols - edge);
      } else {
        copyRun(x + row, out + row, edge);
        zeroRun(out + row + (<usize>edge << 2), cols - edge);
      }
    }
  }
}

@inline function copyRun(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

@inline function zeroRun(dst: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), zero);
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}
