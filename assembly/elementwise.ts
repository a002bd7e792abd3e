// Elementwise arithmetic over f32 in linear memory: broadcasting binary ops, unary math,
// and the axpy/scale/fill helpers that gradient accumulation and the optimizers build on.

import { allBelowInfinity, allValuesFinite } from './finite';
import { binaryBroadcast, OP_ADD, OP_DIV, OP_MUL, OP_SAME, OP_SUB } from './broadcast';

export function addForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(OP_ADD, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}
export function subForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(OP_SUB, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}
export function mulForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(OP_MUL, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}
export function divForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(OP_DIV, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}
export function sameValueForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(OP_SAME, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}

export function fill(out: usize, n: i32, value: f32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), v);
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), value);
}

export function copy(src: usize, dst: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 2);
}

// y += alpha * x: how gradients accumulate.
export function axpy(x: usize, y: usize, n: i32, alpha: f32): void {
  const av = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(y + off, f32x4.add(v128.load(y + off), f32x4.mul(av, v128.load(x + off))));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(y + off, load<f32>(y + off) + alpha * load<f32>(x + off));
  }
}

// out = alpha * x + beta
export function affine(x: usize, out: usize, n: i32, alpha: f32, beta: f32): void {
  const av = f32x4.splat(alpha);
  const bv = f32x4.splat(beta);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(out + off, f32x4.add(f32x4.mul(av, v128.load(x + off)), bv));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(out + off, alpha * load<f32>(x + off) + beta);
  }
}

export function negForward(x: usize, out: usize, n: i32): void {
  affine(x, out, n, -1, 0);
}

export function sqrtForward(x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(out + off, f32x4.sqrt(v128.load(x + off)));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(out + off, Mathf.sqrt(load<f32>(x + off)));
  }
}

export function expForward(x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(out + off, Mathf.exp(load<f32>(x + off)));
  }
}

export function logForward(x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(out + off, Mathf.log(load<f32>(x + off)));
  }
}

export function powScalarForward(x: usize, out: usize, n: i32, exponent: f32): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(out + off, Mathf.pow(load<f32>(x + off), exponent));
  }
}

// grad_in = upstream * exponent * x^(exponent-1), except that exponent 0 gives 0 everywhere
// as in PyTorch (x^0 is constant), where the formula would give 0 * 0^-1 = NaN at x = 0.
export function powScalarBackward(x: usize, upstream: usize, gradIn: usize, n: i32, exponent: f32): void {
  if (exponent == 0) {
    memory.fill(gradIn, 0, <usize>n << 2);
    return;
  }
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(gradIn + off, load<f32>(upstream + off) * exponent * Mathf.pow(load<f32>(x + off), exponent - 1));
  }
}

// 1 when every value is finite, else 0: used to reject NaN/Infinity before a loss.
export function allFinite(x: usize, n: i32): i32 {
  return allValuesFinite(x, n) ? 1 : 0;
}

// 1 when no value is NaN or +Infinity, else 0: logits and log-probabilities may hold -Infinity.
export function allFiniteOrNegativeInfinity(x: usize, n: i32): i32 {
  return allBelowInfinity(x, n) ? 1 : 0;
}
