// Broadcasting comparisons (masks of 0.0/1.0, since tensors are float32) and elementwise
// minimum/maximum, over the same [outer, inner] blocks as elementwise.ts's arithmetic: operand
// strides are (aOuter, aInner) and (bOuter, bInner) with inner strides 0 or 1.

const EQ: i32 = 0;
const NE: i32 = 1;
const LT: i32 = 2;
const LE: i32 = 3;
const GT: i32 = 4;
const GE: i32 = 5;
const MIN: i32 = 6;
const MAX: i32 = 7;

// Comparisons give all-ones lanes; and-ing with 1.0f keeps exactly 1.0f or 0.0f.
@inline function applyVec(op: i32, x: v128, y: v128, one: v128): v128 {
  if (op == EQ) return v128.and(f32x4.eq(x, y), one);
  if (op == NE) return v128.and(f32x4.ne(x, y), one);
  if (op == LT) return v128.and(f32x4.lt(x, y), one);
  if (op == LE) return v128.and(f32x4.le(x, y), one);
  if (op == GT) return v128.and(f32x4.gt(x, y), one);
  if (op == GE) return v128.and(f32x4.ge(x, y), one);
  if (op == MIN) return f32x4.min(x, y);
  return f32x4.max(x, y);
}

@inline function applyScalar(op: i32, x: f32, y: f32): f32 {
  if (op == EQ) return x == y ? 1 : 0;
  if (op == NE) return x != y ? 1 : 0;
  if (op == LT) return x < y ? 1 : 0;
  if (op == LE) return x <= y ? 1 : 0;
  if (op == GT) return x > y ? 1 : 0;
  if (op == GE) return x >= y ? 1 : 0;
  if (op == MIN) return min(x, y);
  return max(x, y);
}

@inline function binaryBroadcast(
  op: i32, a: usize, b: usize, out: usize, outer: i32, inner: i32,
  aOuter: i32, aInner: i32, bOuter: i32, bInner: i32,
): void {
  const one = f32x4.splat(1);
  for (let o = 0; o < outer; o++) {
    const ar = a + (<usize>(o * aOuter) << 2);
    const br = b + (<usize>(o * bOuter) << 2);
    const orow = out + (<usize>(o * inner) << 2);
    const av = aInner == 0 ? f32x4.splat(load<f32>(ar)) : f32x4.splat(0);
    const bv = bInner == 0 ? f32x4.splat(load<f32>(br)) : f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      const off = <usize>i << 2;
      const x = aInner == 0 ? av : v128.load(ar + off);
      const y = bInner == 0 ? bv : v128.load(br + off);
      v128.store(orow + off, applyVec(op, x, y, one));
    }
    for (; i < inner; i++) {
      const x = load<f32>(ar + (<usize>(i * aInner) << 2));
      const y = load<f32>(br + (<usize>(i * bInner) << 2));
      store<f32>(orow + (<usize>i << 2), applyScalar(op, x, y));
    }
  }
}

export function eqForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(EQ, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}
export function neForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(NE, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}
export function ltForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(LT, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}
export function leForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(LE, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}
export function gtForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(GT, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}
export function geForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(GE, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}
export function minimumForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(MIN, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}
export function maximumForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(MAX, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}
