// The logistic function and tanh for the gates of the recurrent cells (recurrent.ts), four lanes at
// once. vector-math.ts's versions keep a few ulps of relative accuracy everywhere, for a price
// the cells pay five times per hidden unit and step: exact handling of the exp's range ends
// (bitselects and wasm's NaN-propagating f32x4.max, each several x64 instructions in V8), and
// tanh built from expm1. Here the argument is clamped with pmin/pmax (one instruction each), the
// integer part of x·log2(e) comes out of a float addition (no i32x4.trunc_sat, which V8 expands
// to a long sequence), and tanh is 1 − 2/(1 + e^2x). The cost: tanh's error near 0 is absolute
// (below 1.2e-7, against a few ulps of the result), which a gate's value (in [-1, 1]) does not
// feel; NaN still gives NaN.
// Not re-exported by index.ts: v128 values cannot cross into JavaScript.

import { ONE, lanes, tableLanes } from './vector-math';

const TWO = memory.data<f32>([2]);
const LOG2E = memory.data<f32>([1.44269504]);
// ln 2 split in two so that k·LN2_HI is exact for the k this range allows (|k| < 128).
const LN2_HI = memory.data<f32>([0.693145752]);
const LN2_LO = memory.data<f32>([1.42860677e-6]);
// 1.5·2^23: adding it to |y| < 2^22 rounds y to an integer held in the low mantissa bits.
const ROUNDING_SHIFT = memory.data<f32>([12582912]);
const ONE_BITS = memory.data<i32>([0x3f800000]);
// e^x is clamped to [e^-86, e^88]: 2^k stays a normal float (k from -124 to 127), and what the
// clamp changes is below float32 resolution in the sigmoid and tanh built from it.
const EXP_LOW = memory.data<f32>([-86]);
const EXP_HIGH = memory.data<f32>([88]);
// Taylor coefficients of e^r: 1, 1/1!, 1/2!, ..., 1/6!; for |r| <= ln2/2 the truncation is below
// 1.2e-7 relative.
const EXP_SERIES = memory.data<f32>([1, 1, 0.5, <f32>1 / 6, <f32>1 / 24, <f32>1 / 120, <f32>1 / 720]);

/** e^x for x in [-86, 88] (clamped outside it), about 2 ulps. */
@inline function expClampedX4(x: v128): v128 {
  const clamped = f32x4.pmin(f32x4.pmax(x, lanes(EXP_LOW)), lanes(EXP_HIGH));
  const shifted = f32x4.add(f32x4.mul(clamped, lanes(LOG2E)), lanes(ROUNDING_SHIFT));
  const k = f32x4.sub(shifted, lanes(ROUNDING_SHIFT));
  const r = f32x4.sub(f32x4.sub(clamped, f32x4.mul(k, lanes(LN2_HI))), f32x4.mul(k, lanes(LN2_LO)));
  // Estrin's scheme: the terms pair up independently, so the chain is four multiply-adds deep
  // instead of Horner's six; a cell step is bound by this chain (its gates feed c, c feeds tanh).
  const r2 = f32x4.mul(r, r);
  const r4 = f32x4.mul(r2, r2);
  const p01 = f32x4.add(tableLanes(EXP_SERIES, 0), r);
  const p23 = f32x4.add(tableLanes(EXP_SERIES, 2), f32x4.mul(tableLanes(EXP_SERIES, 3), r));
  const p45 = f32x4.add(tableLanes(EXP_SERIES, 4), f32x4.mul(tableLanes(EXP_SERIES, 5), r));
  const p46 = f32x4.add(p45, f32x4.mul(tableLanes(EXP_SERIES, 6), r2));
  const p = f32x4.add(f32x4.add(p01, f32x4.mul(p23, r2)), f32x4.mul(p46, r4));
  // 2^k: the integer k sits in the low bits of `shifted`; moved into the exponent field of 1.0.
  const scale = i32x4.add(i32x4.shl(shifted, 23), lanes(ONE_BITS));
  return f32x4.mul(p, scale);
}

/** The logistic function 1 / (1 + e^-x). */
@inline export function gateSigmoidX4(x: v128): v128 {
  return f32x4.div(lanes(ONE), f32x4.add(lanes(ONE), expClampedX4(f32x4.neg(x))));
}

/** tanh x = 1 − 2 / (1 + e^2x), to 1.2e-7 absolute. */
@inline export function gateTanhX4(x: v128): v128 {
  return f32x4.sub(lanes(ONE), f32x4.div(lanes(TWO), f32x4.add(lanes(ONE), expClampedX4(f32x4.add(x, x)))));
}
