// Transcendental functions on four f32 lanes at once, shared by the activation and softmax
// kernels (Mathf works one lane at a time). Each is within a few float32 ulps of the true value.
// Not re-exported by index.ts: v128 values cannot cross into JavaScript.
//
// Constants live in linear memory and are splatted by a load (`lanes`): V8 rebuilds every
// v128.const through general-purpose registers at each use, which cost these loops about 30%
// in Node 20 (DESIGN.md measured 3-5x in Deno) against a broadcast load from L1.

/** A constant broadcast to four lanes, from its one-element memory.data block. */
@inline export function lanes(constant: usize): v128 {
  return v128.load32_splat(constant);
}

/** Entry `index` of a table of f32 constants, broadcast to four lanes. */
@inline export function tableLanes(table: usize, index: i32): v128 {
  return v128.load32_splat(table + (<usize>index << 2));
}

export const ONE = memory.data<f32>([1]);
const TWO = memory.data<f32>([2]);
const MINUS_HALF = memory.data<f32>([-0.5]);
const MINUS_TWO = memory.data<f32>([-2]);
const SIGN_BIT = memory.data<i32>([0x80000000]);
// Clears the low 12 mantissa bits, leaving 12 significant bits.
const HIGH_12_BITS = memory.data<i32>([0xfffff000]);
const EXPONENT_BIAS = memory.data<i32>([127]);
const LOG2E = memory.data<f32>([1.44269504]);
// ln 2 split in two so that k * LN2_HI is exact for |k| < 512 (LN2_HI has 15 significant bits).
const LN2_HI = memory.data<f32>([0.693145752]);
const LN2_LO = memory.data<f32>([1.42860677e-6]);
// Below this, e^x is under 2^-125: it is flushed to 0 rather than built as a subnormal.
const EXP_FLUSH_BELOW = memory.data<f32>([-86.9]);
// ln(largest finite f32): above it e^x is +Infinity.
const EXP_OVERFLOW_ABOVE = memory.data<f32>([88.7228394]);
const INFINITY = memory.data<f32>([Infinity]);
// e^x - 1 rounds to -1 in float32 well before this.
const EXPM1_SATURATE_BELOW = memory.data<f32>([-30]);
// Taylor coefficients of (e^r - 1) / r: 1, 1/2!, 1/3!, ..., 1/7!.
const EXPM1_SERIES = memory.data<f32>([1, 0.5, <f32>1 / 6, <f32>1 / 24, <f32>1 / 120, <f32>1 / 720, <f32>1 / 5040]);
// ln(1 + y) = 2 atanh(s) = 2s (1 + z/3 + z^2/5 + ...), z = s^2: the coefficients 1/15 down to 1.
const ATANH_SERIES = memory.data<f32>([<f32>1 / 15, <f32>1 / 13, <f32>1 / 11, <f32>1 / 9, <f32>1 / 7, <f32>1 / 5, <f32>1 / 3, 1]);
const TAIL_T_SCALE = memory.data<f32>([0.3]);
// Q(t) of normalTailRatioX4, highest power first.
const TAIL_Q = memory.data<f32>([
  -0.0204076096, 0.111300312, -0.225638866, 0.188488141, -0.0768045112,
  0.094820939, 0.0788262486, 0.110147387, 0.119581752, 0.119686209,
]);

/** e^(hi + lo), where lo is a small correction to hi (|lo| < 0.1) carrying bits hi cannot hold. */
@inline export function expSplitX4(hi: v128, lo: v128): v128 {
  const kf = f32x4.nearest(f32x4.mul(hi, lanes(LOG2E)));
  const r = f32x4.add(f32x4.sub(f32x4.sub(hi, f32x4.mul(kf, lanes(LN2_HI))), f32x4.mul(kf, lanes(LN2_LO))), lo);
  // e^x = 2^k e^r with |r| <= ln2/2: adding k to the exponent field of e^r multiplies by 2^k.
  const scaled = i32x4.add(expReducedX4(r), i32x4.shl(i32x4.trunc_sat_f32x4_s(kf), 23));
  const flushed = v128.andnot(scaled, f32x4.lt(hi, lanes(EXP_FLUSH_BELOW)));
  return v128.bitselect(lanes(INFINITY), flushed, f32x4.gt(hi, lanes(EXP_OVERFLOW_ABOVE)));
}

@inline export function expX4(x: v128): v128 {
  return expSplitX4(x, f32x4.splat(0));
}

/** e^x - 1 without the cancellation of exp(x) - 1 near 0, for x <= 88. */
@inline export function expm1X4(x: v128): v128 {
  const c = f32x4.max(x, lanes(EXPM1_SATURATE_BELOW));
  const kf = f32x4.nearest(f32x4.mul(c, lanes(LOG2E)));
  const r = f32x4.sub(f32x4.sub(c, f32x4.mul(kf, lanes(LN2_HI))), f32x4.mul(kf, lanes(LN2_LO)));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(kf), lanes(EXPONENT_BIAS)), 23);
  // e^x - 1 = 2^k (e^r - 1) + (2^k - 1); both terms are exact-ish, and for k = 0 it is e^r - 1 alone.
  return f32x4.add(f32x4.mul(scale, expm1ReducedX4(r)), f32x4.sub(scale, lanes(ONE)));
}

/** ln(1 + y) for 0 <= y <= 1, accurate relative to the result even for tiny y. */
@inline export function log1pUnitX4(y: v128): v128 {
  // ln(1 + y) = 2 atanh(s) with s = y / (2 + y) <= 1/3: the odd series 2(s + s^3/3 + s^5/5 + ...)
  // has only positive terms, and eight of them reach float32 precision.
  const s = f32x4.div(y, f32x4.add(y, lanes(TWO)));
  const z = f32x4.mul(s, s);
  let p = tableLanes(ATANH_SERIES, 0);
  p = f32x4.add(f32x4.mul(p, z), tableLanes(ATANH_SERIES, 1));
  p = f32x4.add(f32x4.mul(p, z), tableLanes(ATANH_SERIES, 2));
  p = f32x4.add(f32x4.mul(p, z), tableLanes(ATANH_SERIES, 3));
  p = f32x4.add(f32x4.mul(p, z), tableLanes(ATANH_SERIES, 4));
  p = f32x4.add(f32x4.mul(p, z), tableLanes(ATANH_SERIES, 5));
  p = f32x4.add(f32x4.mul(p, z), tableLanes(ATANH_SERIES, 6));
  p = f32x4.add(f32x4.mul(p, z), tableLanes(ATANH_SERIES, 7));
  return f32x4.mul(f32x4.add(s, s), p);
}

/** e^-|x|, from which the logistic function and its slope are built without overflow. */
@inline export function expNegAbsX4(x: v128): v128 {
  return expX4(f32x4.neg(f32x4.abs(x)));
}

/** sigmoid(x) from e = e^-|x|: 1 / (1 + e) for x >= 0, e / (1 + e) below. */
@inline export function sigmoidFromExpX4(x: v128, e: v128): v128 {
  const r = f32x4.div(lanes(ONE), f32x4.add(e, lanes(ONE)));
  return v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(x, f32x4.splat(0)));
}

/** sigmoid(x) (1 - sigmoid(x)) = e / (1 + e)^2 from e = e^-|x|: no cancellation where sigmoid nears 1. */
@inline export function sigmoidSlopeFromExpX4(e: v128): v128 {
  const r = f32x4.div(lanes(ONE), f32x4.add(e, lanes(ONE)));
  return f32x4.mul(e, f32x4.mul(r, r));
}

/** The logistic function 1 / (1 + e^-x). */
@inline export function sigmoidX4(x: v128): v128 {
  return sigmoidFromExpX4(x, expNegAbsX4(x));
}

@inline export function tanhX4(x: v128): v128 {
  // tanh|x| = (1 - e^-2|x|) / (1 + e^-2|x|) = -m / (2 + m) with m = expm1(-2|x|), then the sign of x.
  const m = expm1X4(f32x4.mul(f32x4.abs(x), lanes(MINUS_TWO)));
  const magnitude = f32x4.div(f32x4.neg(m), f32x4.add(m, lanes(TWO)));
  return v128.or(magnitude, v128.and(x, lanes(SIGN_BIT)));
}

/** e^(-x^2/2), with x^2 formed exactly so the result stays accurate in the far tail. */
@inline export function expNegHalfSquareX4(x: v128): v128 {
  // x = xh + xl with xh holding 12 significant bits: xh^2 is exact in float32, and
  // x^2 - xh^2 = xl (x + xh) is a small correction.
  const xh = v128.and(x, lanes(HIGH_12_BITS));
  const xl = f32x4.sub(x, xh);
  const half = lanes(MINUS_HALF);
  return expSplitX4(f32x4.mul(f32x4.mul(xh, xh), half), f32x4.mul(f32x4.mul(xl, f32x4.add(x, xh)), half));
}

/**
 * The standard normal upper tail P(Z > a) for a >= 0, divided by e^(-a^2/2): a smooth
 * function written as t Q(t) with t = 1 / (1 + 0.3 a). Q is a degree-9 Chebyshev
 * least-squares fit, in powers of t, over 0 <= a <= 13.5 (beyond, e^(-a^2/2) underflows
 * anyway); relative error 5e-9 before float32 rounding. Multiplied by e^(-a^2/2) it gives the
 * tail with a relative error under 5e-7, so 1 - tail and erf are accurate everywhere too.
 */
@inline export function normalTailRatioX4(a: v128): v128 {
  const t = f32x4.div(lanes(ONE), f32x4.add(f32x4.mul(a, lanes(TAIL_T_SCALE)), lanes(ONE)));
  // Estrin's scheme, as in expm1ReducedX4: pairs of terms are independent, so the dependency
  // chain after the division is four multiply-adds deep instead of Horner's nine.
  const t2 = f32x4.mul(t, t);
  const t4 = f32x4.mul(t2, t2);
  const t8 = f32x4.mul(t4, t4);
  const p01 = f32x4.add(tableLanes(TAIL_Q, 9), f32x4.mul(tableLanes(TAIL_Q, 8), t));
  const p23 = f32x4.add(tableLanes(TAIL_Q, 7), f32x4.mul(tableLanes(TAIL_Q, 6), t));
  const p45 = f32x4.add(tableLanes(TAIL_Q, 5), f32x4.mul(tableLanes(TAIL_Q, 4), t));
  const p67 = f32x4.add(tableLanes(TAIL_Q, 3), f32x4.mul(tableLanes(TAIL_Q, 2), t));
  const p89 = f32x4.add(tableLanes(TAIL_Q, 1), f32x4.mul(tableLanes(TAIL_Q, 0), t));
  const p03 = f32x4.add(p01, f32x4.mul(p23, t2));
  const p47 = f32x4.add(p45, f32x4.mul(p67, t2));
  const q = f32x4.add(f32x4.add(p03, f32x4.mul(p47, t4)), f32x4.mul(p89, t8));
  return f32x4.mul(t, q);
}

/** The first `count` (1..4) lanes from memory; the others are `fill`. */
@inline export function loadPartial(ptr: usize, count: i32, fill: f32): v128 {
  if (count >= 4) return v128.load(ptr);
  let v = f32x4.splat(fill);
  v = f32x4.replace_lane(v, 0, load<f32>(ptr));
  if (count > 1) v = f32x4.replace_lane(v, 1, load<f32>(ptr, 4));
  if (count > 2) v = f32x4.replace_lane(v, 2, load<f32>(ptr, 8));
  return v;
}

/** Stores the first `count` (1..4) lanes. */
@inline export function storePartial(ptr: usize, v: v128, count: i32): void {
  if (count >= 4) {
    v128.store(ptr, v);
    return;
  }
  store<f32>(ptr, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(ptr, f32x4.extract_lane(v, 1), 4);
  if (count > 2) store<f32>(ptr, f32x4.extract_lane(v, 2), 8);
}

@inline export function horizontalMax(v: v128): f32 {
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

@inline export function horizontalSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// e^r for a reduced argument r, as 1 + (e^r - 1).
@inline function expReducedX4(r: v128): v128 {
  return f32x4.add(expm1ReducedX4(r), lanes(ONE));
}

// e^r - 1 = r (1 + r/2! + r^2/3! + ... + r^6/7!) for |r| <= ln2/2, where the truncated terms are
// below 2e-8 relative (1e-7 at 0.45, the widest r that gelu's correction term produces).
// Estrin's scheme: pairs of terms are independent, so the dependency chain is three
// multiply-adds deep instead of Horner's six, and the exp-bound loops run about 25% faster.
@inline function expm1ReducedX4(r: v128): v128 {
  const r2 = f32x4.mul(r, r);
  const r4 = f32x4.mul(r2, r2);
  const p01 = f32x4.add(tableLanes(EXPM1_SERIES, 0), f32x4.mul(tableLanes(EXPM1_SERIES, 1), r));
  const p23 = f32x4.add(tableLanes(EXPM1_SERIES, 2), f32x4.mul(tableLanes(EXPM1_SERIES, 3), r));
  const p45 = f32x4.add(tableLanes(EXPM1_SERIES, 4), f32x4.mul(tableLanes(EXPM1_SERIES, 5), r));
  const p46 = f32x4.add(p45, f32x4.mul(tableLanes(EXPM1_SERIES, 6), r2));
  const p03 = f32x4.add(p01, f32x4.mul(p23, r2));
  return f32x4.mul(f32x4.add(p03, f32x4.mul(p46, r4)), r);
}
