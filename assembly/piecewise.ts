// Piecewise-linear elementwise functions and their derivatives: abs and clamp.

// out = |x|
export function absForward(x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), f32x4.abs(v128.load(x + (<usize>i << 2))));
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), Mathf.abs(load<f32>(x + (<usize>i << 2))));
}

// gradIn = upstream * sign(x), 0 where x is 0 or NaN, as in torch.
export function absBackward(x: usize, upstream: usize, gradIn: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const v = v128.load(x + off);
    const g = v128.load(upstream + off);
    const negative = f32x4.lt(v, zero);
    const signed = v128.bitselect(f32x4.neg(g), g, negative);
    v128.store(gradIn + off, v128.and(signed, v128.or(negative, f32x4.gt(v, zero))));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const v = load<f32>(x + off);
    const g = load<f32>(upstream + off);
    store<f32>(gradIn + off, v > 0 ? g : v < 0 ? -g : 0);
  }
}

// out = min(max(x, low), high); NaN stays NaN (f32x4.max/min propagate it).
export function clampForward(x: usize, out: usize, n: i32, low: f32, high: f32): void {
  const lo = f32x4.splat(low);
  const hi = f32x4.splat(high);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(out + off, f32x4.min(f32x4.max(v128.load(x + off), lo), hi));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(out + off, min(max(load<f32>(x + off), low), high));
  }
}

// gradIn = upstream where low <= x <= high, else 0 (the bounds themselves pass, as in torch).
export function clampBackward(x: usize, upstream: usize, gradIn: usize, n: i32, low: f32, high: f32): void {
  const lo = f32x4.splat(low);
  const hi = f32x4.splat(high);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const v = v128.load(x + off);
    const inside = v128.and(f32x4.ge(v, lo), f32x4.le(v, hi));
    v128.store(gradIn + off, v128.and(v128.load(upstream + off), inside));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const v = load<f32>(x + off);
    store<f32>(gradIn + off, v >= low && v <= high ? load<f32>(upstream + off) : 0);
  }
}
