// The broadcasting binary driver behind elementwise.ts's arithmetic and compare.ts's comparisons:
// out[o, i] = a[o*aOuter + i*aInner] (op) b[o*bOuter + i*bInner], inner strides 0 or 1. Each
// kernel passes its op as a constant, so once the driver is inlined only that op's code is left.
// assembly/index.ts does not export this module to the host.

export const OP_ADD: i32 = 0;
export const OP_SUB: i32 = 1;
export const OP_MUL: i32 = 2;
export const OP_DIV: i32 = 3;
// 1 where x and y hold the same value, NaN matching NaN, else 0: which elements of a group
// tie with its maximum, for max's gradient.
export const OP_SAME: i32 = 4;
// Comparisons give masks of 0.0/1.0 (tensors are float32); minimum and maximum as f32x4.min/max.
export const OP_EQ: i32 = 5;
export const OP_NE: i32 = 6;
export const OP_LT: i32 = 7;
export const OP_LE: i32 = 8;
export const OP_GT: i32 = 9;
export const OP_GE: i32 = 10;
export const OP_MIN: i32 = 11;
export const OP_MAX: i32 = 12;

// Comparisons give all-ones lanes; and-ing with 1.0f keeps exactly 1.0f or 0.0f.
@inline function mask(lanes: v128): v128 {
  return v128.and(lanes, f32x4.splat(1));
}

@inline function applyVec(op: i32, x: v128, y: v128): v128 {
  if (op == OP_ADD) return f32x4.add(x, y);
  if (op == OP_SUB) return f32x4.sub(x, y);
  if (op == OP_MUL) return f32x4.mul(x, y);
  if (op == OP_SAME) return mask(v128.or(f32x4.eq(x, y), v128.and(f32x4.ne(x, x), f32x4.ne(y, y))));
  if (op == OP_EQ) return mask(f32x4.eq(x, y));
  if (op == OP_NE) return mask(f32x4.ne(x, y));
  if (op == OP_LT) return mask(f32x4.lt(x, y));
  if (op == OP_LE) return mask(f32x4.le(x, y));
  if (op == OP_GT) return mask(f32x4.gt(x, y));
  if (op == OP_GE) return mask(f32x4.ge(x, y));
  if (op == OP_MIN) return f32x4.min(x, y);
  if (op == OP_MAX) return f32x4.max(x, y);
  return f32x4.div(x, y);
}

@inline function applyScalar(op: i32, x: f32, y: f32): f32 {
  if (op == OP_ADD) return x + y;
  if (op == OP_SUB) return x - y;
  if (op == OP_MUL) return x * y;
  if (op == OP_SAME) return x == y || (isNaN(x) && isNaN(y)) ? 1 : 0;
  if (op == OP_EQ) return x == y ? 1 : 0;
  if (op == OP_NE) return x != y ? 1 : 0;
  if (op == OP_LT) return x < y ? 1 : 0;
  if (op == OP_LE) return x <= y ? 1 : 0;
  if (op == OP_GT) return x > y ? 1 : 0;
  if (op == OP_GE) return x >= y ? 1 : 0;
  if (op == OP_MIN) return min(x, y);
  if (op == OP_MAX) return max(x, y);
  return x / y;
}

// out[o, i] = a[o*aOuter + i*aInner] (op) b[o*bOuter + i*bInner], with inner strides 0 or 1.
// The host collapses any broadcast into at most two levels per call.
@inline export function binaryBroadcast(
  op: i32, a: usize, b: usize, out: usize, outer: i32, inner: i32,
  aOuter: i32, aInner: i32, bOuter: i32, bInner: i32,
): void {
  for (let o = 0; o < outer; o++) {
    const ar = a + (<usize>(o * aOuter) << 2);
    const br = b + (<usize>(o * bOuter) << 2);
    const orow = out + (<usize>(o * inner) << 2);
    let i = 0;
    if (aInner == 1 && bInner == 1) {
      for (; i + 4 <= inner; i += 4) {
        const off = <usize>i << 2;
        v128.store(orow + off, applyVec(op, v128.load(ar + off), v128.load(br + off)));
      }
      for (; i < inner; i++) {
        const off = <usize>i << 2;
        store<f32>(orow + off, applyScalar(op, load<f32>(ar + off), load<f32>(br + off)));
      }
    } else if (aInner == 1) {
      const ys = load<f32>(br);
      const yv = f32x4.splat(ys);
      for (; i + 4 <= inner; i += 4) {
        const off = <usize>i << 2;
        v128.store(orow + off, applyVec(op, v128.load(ar + off), yv));
      }
      for (; i < inner; i++) {
        const off = <usize>i << 2;
        store<f32>(orow + off, applyScalar(op, load<f32>(ar + off), ys));
      }
    } else if (bInner == 1) {
      const xs = load<f32>(ar);
      const xv = f32x4.splat(xs);
      for (; i + 4 <= inner; i += 4) {
        const off = <usize>i << 2;
        v128.store(orow + off, applyVec(op, xv, v128.load(br + off)));
      }
      for (; i < inner; i++) {
        const off = <usize>i << 2;
        store<f32>(orow + off, applyScalar(op, xs, load<f32>(br + off)));
      }
    } else {
      const r = applyScalar(op, load<f32>(ar), load<f32>(br));
      for (; i < inner; i++) store<f32>(orow + (<usize>i << 2), r);
    }
  }
}
