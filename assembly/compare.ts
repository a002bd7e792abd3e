// Broadcasting comparisons (masks of 0.0/1.0, since tensors are float32) and elementwise
// minimum/maximum, on the broadcast driver of broadcast.ts that elementwise.ts's arithmetic uses:
// operand strides are (aOuter, aInner) and (bOuter, bInner) with inner strides 0 or 1.

import { binaryBroadcast, OP_EQ, OP_GE, OP_GT, OP_LE, OP_LT, OP_MAX, OP_MIN, OP_NE } from './broadcast';

export function eqForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(OP_EQ, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}
export function neForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(OP_NE, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}
export function ltForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(OP_LT, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}
export function leForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(OP_LE, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}
export function gtForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(OP_GT, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}
export function geForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(OP_GE, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}
export function minimumForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(OP_MIN, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}
export function maximumForward(a: usize, b: usize, out: usize, outer: i32, inner: i32, aOuter: i32, aInner: i32, bOuter: i32, bInner: i32): void {
  binaryBroadcast(OP_MAX, a, b, out, outer, inner, aOuter, aInner, bOuter, bInner);
}
