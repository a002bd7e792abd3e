// Activation functions and their derivatives, four lanes at a time. Forward kernels compute
// out = f(x); backward kernels compute gradIn = upstream * f'(saved), where `saved` is the
// output for sigmoid and tanh (their derivative is cheapest from it) and the input otherwise.

import {
  expm1X4, expNegAbsX4, expNegHalfSquareX4, expX4, lanes, loadPartial, log1pUnitX4, normalTailRatioX4,
  ONE, sigmoidFromExpX4, sigmoidSlopeFromExpX4, sigmoidX4, storePartial, tanhX4,
} from './vector-math';

const RELU: i32 = 0;
const LEAKY_RELU: i32 = 1;
const SIGMOID: i32 = 2;
const TANH: i32 = 3;
const GELU: i32 = 4;
const GELU_TANH: i32 = 5;
const ELU: i32 = 6;
const SOFTPLUS: i32 = 7;
const SILU: i32 = 8;
const RELU6: i32 = 9;
const HARDSIGMOID: i32 = 10;
const HARDSWISH: i32 = 11;
const MISH: i32 = 12;

const INV_SQRT_2PI = memory.data<f32>([0.398942292]);
const GELU_CUBIC = memory.data<f32>([0.044715]);
const GELU_CUBIC_SLOPE = memory.data<f32>([3 * 0.044715]);
// 2 sqrt(2/pi): gelu's tanh form is x sigmoid(2u).
const TWO_SQRT_2_OVER_PI = memory.data<f32>([1.59576912]);
const THREE = memory.data<f32>([3]);
const SIX = memory.data<f32>([6]);
const ONE_SIXTH = memory.data<f32>([1.0 / 6.0]);
const ONE_THIRD = memory.data<f32>([1.0 / 3.0]);
const HALF = memory.data<f32>([0.5]);

// `kind` is a constant at every call site, so inlining leaves one branch-free body per kernel.
@inline function forwardX4(kind: i32, x: v128, a: f32, b: f32): v128 {
  if (kind == RELU) return f32x4.max(x, f32x4.splat(0));
  if (kind == LEAKY_RELU) return v128.bitselect(x, f32x4.mul(x, f32x4.splat(a)), f32x4.gt(x, f32x4.splat(0)));
  if (kind == SIGMOID) return sigmoidX4(x);
  if (kind == TANH) return tanhX4(x);
  if (kind == GELU) return f32x4.mul(x, normalCdfX4(x, expNegHalfSquareX4(x)));
  if (kind == GELU_TANH) return f32x4.mul(x, sigmoidX4(geluTanhArgX4(x)));
  if (kind == ELU) return eluX4(x, a);
  if (kind == SOFTPLUS) return softplusX4(x, a, b);
  if (kind == RELU6) return relu6X4(x);
  if (kind == HARDSIGMOID) return hardsigmoidX4(x);
  if (kind == HARDSWISH) return f32x4.div(f32x4.mul(x, relu6X4(f32x4.add(x, lanes(THREE)))), lanes(SIX));
  if (kind == MISH) return f32x4.mul(x, tanhX4(softplusX4(x, 1, <f32>Infinity)));
  return f32x4.mul(x, sigmoidX4(x));
}

@inline function backwardX4(kind: i32, s: v128, g: v128, a: f32, b: f32): v128 {
  if (kind == RELU) return v128.and(g, f32x4.gt(s, f32x4.splat(0)));
  if (kind == LEAKY_RELU) return v128.bitselect(g, f32x4.mul(g, f32x4.splat(a)), f32x4.gt(s, f32x4.splat(0)));
  if (kind == SIGMOID) return f32x4.mul(g, f32x4.mul(s, f32x4.sub(lanes(ONE), s)));
  if (kind == TANH) return f32x4.mul(g, f32x4.sub(lanes(ONE), f32x4.mul(s, s)));
  if (kind == GELU) return f32x4.mul(g, geluSlopeX4(s));
  if (kind == GELU_TANH) return f32x4.mul(g, geluTanhSlopeX4(s));
  if (kind == ELU) return f32x4.mul(g, eluSlopeX4(s, a));
  if (kind == SOFTPLUS) return f32x4.mul(g, softplusSlopeX4(s, a, b));
  if (kind == RELU6) return v128.and(g, insideX4(s, f32x4.splat(0), lanes(SIX)));
  if (kind == HARDSIGMOID) return v128.and(f32x4.mul(g, lanes(ONE_SIXTH)), insideX4(s, f32x4.neg(lanes(THREE)), lanes(THREE)));
  if (kind == HARDSWISH) return f32x4.mul(g, hardswishSlopeX4(s));
  if (kind == MISH) return f32x4.mul(g, mishSlopeX4(s));
  return f32x4.mul(g, siluSlopeX4(s));
}

@inline function mapForward(kind: i32, x: usize, out: usize, n: i32, a: f32, b: f32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(out + off, forwardX4(kind, v128.load(x + off), a, b));
  }
  if (i < n) {
    const off = <usize>i << 2;
    storePartial(out + off, forwardX4(kind, loadPartial(x + off, n - i, 0), a, b), n - i);
  }
}

@inline function mapBackward(kind: i32, saved: usize, upstream: usize, gradIn: usize, n: i32, a: f32, b: f32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(gradIn + off, backwardX4(kind, v128.load(saved + off), v128.load(upstream + off), a, b));
  }
  if (i < n) {
    const off = <usize>i << 2;
    const g = backwardX4(kind, loadPartial(saved + off, n - i, 0), loadPartial(upstream + off, n - i, 0), a, b);
    storePartial(gradIn + off, g, n - i);
  }
}

// P(Z <= x) for a standard normal Z, from the upper tail at |x| so both sides stay accurate;
// `gauss` is e^(-x^2/2).
@inline function normalCdfX4(x: v128, gauss: v128): v128 {
  const tail = f32x4.mul(gauss, normalTailRatioX4(f32x4.abs(x)));
  return v128.bitselect(tail, f32x4.sub(lanes(ONE), tail), f32x4.lt(x, f32x4.splat(0)));
}

// d/dx x Phi(x) = Phi(x) + x phi(x)
@inline function geluSlopeX4(x: v128): v128 {
  const gauss = expNegHalfSquareX4(x);
  return f32x4.add(normalCdfX4(x, gauss), f32x4.mul(x, f32x4.mul(gauss, lanes(INV_SQRT_2PI))));
}

// x/2 (1 + tanh(u)) = x sigmoid(2u), with u = sqrt(2/pi) (x + 0.044715 x^3).
@inline function geluTanhArgX4(x: v128): v128 {
  const inner = f32x4.add(f32x4.mul(f32x4.mul(f32x4.mul(x, x), x), lanes(GELU_CUBIC)), x);
  return f32x4.mul(inner, lanes(TWO_SQRT_2_OVER_PI));
}

@inline function geluTanhSlopeX4(x: v128): v128 {
  const v = geluTanhArgX4(x);
  const dv = f32x4.mul(f32x4.add(f32x4.mul(f32x4.mul(x, x), lanes(GELU_CUBIC_SLOPE)), lanes(ONE)), lanes(TWO_SQRT_2_OVER_PI));
  const e = expNegAbsX4(v);
  return f32x4.add(sigmoidFromExpX4(v, e), f32x4.mul(f32x4.mul(x, sigmoidSlopeFromExpX4(e)), dv));
}

// x where x > 0, else alpha (e^x - 1); the exponential only ever sees min(x, 0).
@inline function eluX4(x: v128, alpha: f32): v128 {
  const negative = f32x4.mul(expm1X4(f32x4.min(x, f32x4.splat(0))), f32x4.splat(alpha));
  return v128.bitselect(x, negative, f32x4.gt(x, f32x4.splat(0)));
}

@inline function eluSlopeX4(x: v128, alpha: f32): v128 {
  const negative = f32x4.mul(expX4(f32x4.min(x, f32x4.splat(0))), f32x4.splat(alpha));
  return v128.bitselect(lanes(ONE), negative, f32x4.gt(x, f32x4.splat(0)));
}

// As torch: (1/beta) ln(1 + e^(beta x)), and x itself where beta x > threshold.
// ln(1 + e^u) = max(u, 0) + ln(1 + e^-|u|) never overflows.
@inline function softplusX4(x: v128, beta: f32, threshold: f32): v128 {
  const u = f32x4.mul(x, f32x4.splat(beta));
  const soft = f32x4.add(f32x4.max(u, f32x4.splat(0)), log1pUnitX4(expNegAbsX4(u)));
  return v128.bitselect(x, f32x4.div(soft, f32x4.splat(beta)), f32x4.gt(u, f32x4.splat(threshold)));
}

@inline function softplusSlopeX4(x: v128, beta: f32, threshold: f32): v128 {
  const u = f32x4.mul(x, f32x4.splat(beta));
  return v128.bitselect(lanes(ONE), sigmoidX4(u), f32x4.gt(u, f32x4.splat(threshold)));
}

// d/dx x sigmoid(x) = sigmoid(x) + x sigmoid(x)(1 - sigmoid(x))
@inline function siluSlopeX4(x: v128): v128 {
  const e = expNegAbsX4(x);
  return f32x4.add(sigmoidFromExpX4(x, e), f32x4.mul(x, sigmoidSlopeFromExpX4(e)));
}

export function reluForward(x: usize, out: usize, n: i32): void { mapForward(RELU, x, out, n, 0, 0); }
export function reluBackward(x: usize, upstream: usize, gradIn: usize, n: i32): void { mapBackward(RELU, x, upstream, gradIn, n, 0, 0); }

export function leakyReluForward(x: usize, out: usize, n: i32, slope: f32): void { mapForward(LEAKY_RELU, x, out, n, slope, 0); }
export function leakyReluBackward(x: usize, upstream: usize, gradIn: usize, n: i32, slope: f32): void { mapBackward(LEAKY_RELU, x, upstream, gradIn, n, slope, 0); }

export function sigmoidForward(x: usize, out: usize, n: i32): void { mapForward(SIGMOID, x, out, n, 0, 0); }
export function sigmoidBackward(y: usize, upstream: usize, gradIn: usize, n: i32): void { mapBackward(SIGMOID, y, upstream, gradIn, n, 0, 0); }

export function tanhForward(x: usize, out: usize, n: i32): void { mapForward(TANH, x, out, n, 0, 0); }
export function tanhBackward(y: usize, upstream: usize, gradIn: usize, n: i32): void { mapBackward(TANH, y, upstream, gradIn, n, 0, 0); }

export function geluForward(x: usize, out: usize, n: i32): void { mapForward(GELU, x, out, n, 0, 0); }
export function geluBackward(x: usize, upstream: usize, gradIn: usize, n: i32): void { mapBackward(GELU, x, upstream, gradIn, n, 0, 0); }

/**
 * gelu(x) into out and its slope Φ(x) + x φ(x) into slope, from one e^(-x²/2) per element: a
 * training forward keeps the slope, so the backward is one multiply (geluBackwardFromSlope)
 * instead of the exponential and the normal tail all over again. `out` is what geluForward gives.
 */
export function geluForwardWithSlope(x: usize, out: usize, slope: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const v = v128.load(x + off);
    const gauss = expNegHalfSquareX4(v);
    const cdf = normalCdfX4(v, gauss);
    v128.store(out + off, f32x4.mul(v, cdf));
    v128.store(slope + off, f32x4.add(cdf, f32x4.mul(v, f32x4.mul(gauss, lanes(INV_SQRT_2PI)))));
  }
  if (i < n) {
    const off = <usize>i << 2;
    const v = loadPartial(x + off, n - i, 0);
    const gauss = expNegHalfSquareX4(v);
    const cdf = normalCdfX4(v, gauss);
    storePartial(out + off, f32x4.mul(v, cdf), n - i);
    storePartial(slope + off, f32x4.add(cdf, f32x4.mul(v, f32x4.mul(gauss, lanes(INV_SQRT_2PI)))), n - i);
  }
}

/** gradIn = upstream · slope, the slope that geluForwardWithSlope kept. */
export function geluBackwardFromSlope(slope: usize, upstream: usize, gradIn: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(gradIn + off, f32x4.mul(v128.load(upstream + off), v128.load(slope + off)));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(gradIn + off, load<f32>(upstream + off) * load<f32>(slope + off));
  }
}

export function geluTanhForward(x: usize, out: usize, n: i32): void { mapForward(GELU_TANH, x, out, n, 0, 0); }
export function geluTanhBackward(x: usize, upstream: usize, gradIn: usize, n: i32): void { mapBackward(GELU_TANH, x, upstream, gradIn, n, 0, 0); }

export function eluForward(x: usize, out: usize, n: i32, alpha: f32): void { mapForward(ELU, x, out, n, alpha, 0); }
export function eluBackward(x: usize, upstream: usize, gradIn: usize, n: i32, alpha: f32): void { mapBackward(ELU, x, upstream, gradIn, n, alpha, 0); }

export function softplusForward(x: usize, out: usize, n: i32, beta: f32, threshold: f32): void { mapForward(SOFTPLUS, x, out, n, beta, threshold); }
export function softplusBackward(x: usize, upstream: usize, gradIn: usize, n: i32, beta: f32, threshold: f32): void { mapBackward(SOFTPLUS, x, upstream, gradIn, n, beta, threshold); }

export function siluForward(x: usize, out: usize, n: i32): void { mapForward(SILU, x, out, n, 0, 0); }
export function siluBackward(x: usize, upstream: usize, gradIn: usize, n: i32): void { mapBackward(SILU, x, upstream, gradIn, n, 0, 0); }

@inline function relu6X4(x: v128): v128 {
  return f32x4.min(f32x4.max(x, f32x4.splat(0)), lanes(SIX));
}

// relu6(x + 3) / 6, divided rather than multiplied by 1/6 to round as torch does.
@inline function hardsigmoidX4(x: v128): v128 {
  return f32x4.div(relu6X4(f32x4.add(x, lanes(THREE))), lanes(SIX));
}

// All-ones lanes where low < x < high: where a clamp passes its input through (torch's
// hardtanh and hardsigmoid give the kinks themselves slope 0).
@inline function insideX4(x: v128, low: v128, high: v128): v128 {
  return v128.and(f32x4.gt(x, low), f32x4.lt(x, high));
}

// As torch: 0 below -3, x/3 + 1/2 up to 3 inclusive, 1 above.
@inline function hardswishSlopeX4(x: v128): v128 {
  const middle = f32x4.add(f32x4.mul(x, lanes(ONE_THIRD)), lanes(HALF));
  const upToThree = v128.bitselect(middle, lanes(ONE), f32x4.le(x, lanes(THREE)));
  return v128.and(upToThree, f32x4.ge(x, f32x4.neg(lanes(THREE))));
}

// d/dx x tanh(sp(x)) = tanh(sp(x)) + x sigmoid(x) (1 - tanh(sp(x))^2), sp' being the sigmoid.
@inline function mishSlopeX4(x: v128): v128 {
  const t = tanhX4(softplusX4(x, 1, <f32>Infinity));
  return f32x4.add(t, f32x4.mul(f32x4.mul(x, sigmoidX4(x)), f32x4.sub(lanes(ONE), f32x4.mul(t, t))));
}

export function relu6Forward(x: usize, out: usize, n: i32): void { mapForward(RELU6, x, out, n, 0, 0); }
export function relu6Backward(x: usize, upstream: usize, gradIn: usize, n: i32): void { mapBackward(RELU6, x, upstream, gradIn, n, 0, 0); }

export function hardsigmoidForward(x: usize, out: usize, n: i32): void { mapForward(HARDSIGMOID, x, out, n, 0, 0); }
export function hardsigmoidBackward(x: usize, upstream: usize, gradIn: usize, n: i32): void { mapBackward(HARDSIGMOID, x, upstream, gradIn, n, 0, 0); }

export function hardswishForward(x: usize, out: usize, n: i32): void { mapForward(HARDSWISH, x, out, n, 0, 0); }
export function hardswishBackward(x: usize, upstream: usize, gradIn: usize, n: i32): void { mapBackward(HARDSWISH, x, upstream, gradIn, n, 0, 0); }

export function mishForward(x: usize, out: usize, n: i32): void { mapForward(MISH, x, out, n, 0, 0); }
export function mishBackward(x: usize, upstream: usize, gradIn: usize, n: i32): void { mapBackward(MISH, x, upstream, gradIn, n, 0, 0); }

// ---- a thread's share ---------------------------------------------------------------------

// The elements [begin, end) of activation `kind`'s forward or backward kernel, for
// src/backend/threads/parallel-activation.ts, which names the kinds in the order of the
// constants above. Every element is computed on its own, so a share stores exactly what the
// whole call would.
export function activationForwardPart(kind: i32, x: usize, out: usize, n: i32, a: f32, b: f32, begin: i32, end: i32): void {
  const skip = <usize>begin << 2;
  forwardOf(kind, x + skip, out + skip, end - begin, a, b);
}

export function activationBackwardPart(kind: i32, saved: usize, upstream: usize, gradIn: usize, n: i32, a: f32, b: f32, begin: i32, end: i32): void {
  const skip = <usize>begin << 2;
  backwardOf(kind, saved + skip, upstream + skip, gradIn + skip, end - begin, a, b);
}

// geluForwardWithSlope and geluBackwardFromSlope on elements [begin, end): a thread's share.
export function geluForwardWithSlopePart(x: usize, out: usize, slope: usize, n: i32, begin: i32, end: i32): void {
  const skip = <usize>begin << 2;
  geluForwardWithSlope(x + skip, out + skip, slope + skip, end - begin);
}

export function geluBackwardFromSlopePart(slope: usize, upstream: usize, gradIn: usize, n: i32, begin: i32, end: i32): void {
  const skip = <usize>begin << 2;
  geluBackwardFromSlope(slope + skip, upstream + skip, gradIn + skip, end - begin);
}

// One loop per kind, chosen once per call.
function forwardOf(kind: i32, x: usize, out: usize, n: i32, a: f32, b: f32): void {
  switch (kind) {
    case RELU: mapForward(RELU, x, out, n, a, b); break;
    case LEAKY_RELU: mapForward(LEAKY_RELU, x, out, n, a, b); break;
    case SIGMOID: mapForward(SIGMOID, x, out, n, a, b); break;
    case TANH: mapForward(TANH, x, out, n, a, b); break;
    case GELU: mapForward(GELU, x, out, n, a, b); break;
    case GELU_TANH: mapForward(GELU_TANH, x, out, n, a, b); break;
    case ELU: mapForward(ELU, x, out, n, a, b); break;
    case SOFTPLUS: mapForward(SOFTPLUS, x, out, n, a, b); break;
    case SILU: mapForward(SILU, x, out, n, a, b); break;
    case RELU6: mapForward(RELU6, x, out, n, a, b); break;
    case HARDSIGMOID: mapForward(HARDSIGMOID, x, out, n, a, b); break;
    case HARDSWISH: mapForward(HARDSWISH, x, out, n, a, b); break;
    default: mapForward(MISH, x, out, n, a, b);
  }
}

function backwardOf(kind: i32, saved: usize, upstream: usize, gradIn: usize, n: i32, a: f32, b: f32): void {
  switch (kind) {
    case RELU: mapBackward(RELU, saved, upstream, gradIn, n, a, b); break;
    case LEAKY_RELU: mapBackward(LEAKY_RELU, saved, upstream, gradIn, n, a, b); break;
    case SIGMOID: mapBackward(SIGMOID, saved, upstream, gradIn, n, a, b); break;
    case TANH: mapBackward(TANH, saved, upstream, gradIn, n, a, b); break;
    case GELU: mapBackward(GELU, saved, upstream, gradIn, n, a, b); break;
    case GELU_TANH: mapBackward(GELU_TANH, saved, upstream, gradIn, n, a, b); break;
    case ELU: mapBackward(ELU, saved, upstream, gradIn, n, a, b); break;
    case SOFTPLUS: mapBackward(SOFTPLUS, saved, upstream, gradIn, n, a, b); break;
    case SILU: mapBackward(SILU, saved, upstream, gradIn, n, a, b); break;
    case RELU6: mapBackward(RELU6, saved, upstream, gradIn, n, a, b); break;
    case HARDSIGMOID: mapBackward(HARDSIGMOID, saved, upstream, gradIn, n, a, b); break;
    case HARDSWISH: mapBackward(HARDSWISH, saved, upstream, gradIn, n, a, b); break;
    default: mapBackward(MISH, saved, upstream, gradIn, n, a, b);
  }
}
