// Choosing between values by a mask: where and maskedFill. A mask value is true when nonzero
// (comparisons produce 0.0/1.0). The host broadcasts every operand to the result's shape first.

// out = cond != 0 ? a : b
export function whereForward(cond: usize, a: usize, b: usize, out: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const pick = f32x4.ne(v128.load(cond + off), zero);
    v128.store(out + off, v128.bitselect(v128.load(a + off), v128.load(b + off), pick));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(out + off, load<f32>(cond + off) != 0 ? load<f32>(a + off) : load<f32>(b + off));
  }
}

// out = (cond != 0) == fillWhenTrue ? value : x. fillWhenTrue 0 fills where the mask is false,
// which is how where's backward zeroes the gradient of the branch not taken.
export function fillWhere(cond: usize, x: usize, out: usize, n: i32, value: f32, fillWhenTrue: i32): void {
  const zero = f32x4.splat(0);
  const fill = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const nonzero = f32x4.ne(v128.load(cond + off), zero);
    const pick = fillWhenTrue != 0 ? nonzero : v128.not(nonzero);
    v128.store(out + off, v128.bitselect(fill, v128.load(x + off), pick));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const nonzero = load<f32>(cond + off) != 0;
    store<f32>(out + off, nonzero == (fillWhenTrue != 0) ? value : load<f32>(x + off));
  }
}

// x = 0 where x is ±Infinity, in place; NaN stays. logsumexp's shift, as torch masks it.
export function zeroInfinite(x: usize, n: i32): void {
  const inf = f32x4.splat(Infinity);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const v = v128.load(x + off);
    v128.store(x + off, v128.andnot(v, f32x4.eq(f32x4.abs(v), inf)));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    if (Mathf.abs(load<f32>(x + off)) == Infinity) store<f32>(x + off, 0);
  }
}
