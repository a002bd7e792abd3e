// Softmax and log-softmax over the middle axis of a tensor viewed as [outer, n, inner].
//
// Each normalised line of n values is walked in f32x4 steps. When inner == 1 the line is a
// contiguous row and a step holds four consecutive values (lanes are combined at the end);
// otherwise a step holds the same position of four neighbouring lines, which are contiguous
// in memory, and the walk goes down them one row at a time. Every line is shifted by its
// maximum first, so exp never overflows.

import { expX4, horizontalMax, horizontalSum, loadPartial, storePartial } from './vector-math';

export function softmaxForward(x: usize, out: usize, outer: i32, n: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i += 4) {
      const line = lineStart(o, i, n, inner);
      const width = min(4, inner - i);
      const peak = lineMax(x + line, n, inner, width);
      const sum = lineExpSum(x + line, out + line, n, inner, width, peak);
      lineScale(out + line, n, inner, width, f32x4.div(f32x4.splat(1), sum));
    }
  }
}

// y = (x - max) - ln(sum(e^(x - max))); subtracting the max first keeps large logits exact.
export function logSoftmaxForward(x: usize, out: usize, outer: i32, n: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i += 4) {
      const line = lineStart(o, i, n, inner);
      const width = min(4, inner - i);
      const peak = lineMax(x + line, n, inner, width);
      const logSum = logLanes(lineExpSum(x + line, 0, n, inner, width, peak), inner);
      for (let k = 0; k < n; k += stepOf(inner)) {
        const at = <usize>(k * inner) << 2;
        const count = lanesAt(k, n, inner, width);
        storePartial(out + line + at, f32x4.sub(f32x4.sub(loadPartial(x + line + at, count, 0), peak), logSum), count);
      }
    }
  }
}

// gradIn = y * (g - sum(g * y)), with y the softmax output
export function softmaxBackward(y: usize, upstream: usize, gradIn: usize, outer: i32, n: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i += 4) {
      const line = lineStart(o, i, n, inner);
      const width = min(4, inner - i);
      const dot = lineDot(upstream + line, y + line, n, inner, width);
      for (let k = 0; k < n; k += stepOf(inner)) {
        const at = line + (<usize>(k * inner) << 2);
        const count = lanesAt(k, n, inner, width);
        const g = loadPartial(upstream + at, count, 0);
        storePartial(gradIn + at, f32x4.mul(loadPartial(y + at, count, 0), f32x4.sub(g, dot)), count);
      }
    }
  }
}

// gradIn = g - e^y * sum(g), with y the log-softmax output (so e^y is the softmax)
export function logSoftmaxBackward(y: usize, upstream: usize, gradIn: usize, outer: i32, n: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i += 4) {
      const line = lineStart(o, i, n, inner);
      const width = min(4, inner - i);
      const total = lineSum(upstream + line, n, inner, width);
      for (let k = 0; k < n; k += stepOf(inner)) {
        const at = line + (<usize>(k * inner) << 2);
        const count = lanesAt(k, n, inner, width);
        const p = expX4(loadPartial(y + at, count, 0));
        storePartial(gradIn + at, f32x4.sub(loadPartial(upstream + at, count, 0), f32x4.mul(p, total)), count);
      }
    }
  }
}

@inline function lineStart(o: i32, i: i32, n: i32, inner: i32): usize {
  return <usize>(o * n * inner + i) << 2;
}

@inline function stepOf(inner: i32): i32 {
  return inner == 1 ? 4 : 1;
}

// How many lanes of the step at position k hold values of the line(s).
@inline function lanesAt(k: i32, n: i32, inner: i32, width: i32): i32 {
  return inner == 1 ? min(4, n - k) : width;
}

function lineMax(x: usize, n: i32, inner: i32, width: i32): v128 {
  let m = f32x4.splat(-Infinity);
  for (let k = 0; k < n; k += stepOf(inner)) {
    m = f32x4.max(m, loadPartial(x + (<usize>(k * inner) << 2), lanesAt(k, n, inner, width), -Infinity));
  }
  return inner == 1 ? f32x4.splat(horizontalMax(m)) : m;
}

// sum of e^(x - peak) along the line; the exponentials are also stored to dst unless it is 0.
function lineExpSum(x: usize, dst: usize, n: i32, inner: i32, width: i32, peak: v128): v128 {
  let acc = f32x4.splat(0);
  for (let k = 0; k < n; k += stepOf(inner)) {
    const at = <usize>(k * inner) << 2;
    const count = lanesAt(k, n, inner, width);
    // Lanes past the end load -Infinity, whose exponential adds 0.
    const e = expX4(f32x4.sub(loadPartial(x + at, count, -Infinity), peak));
    if (dst) storePartial(dst + at, e, count);
    acc = f32x4.add(acc, e);
  }
  return inner == 1 ? f32x4.splat(horizontalSum(acc)) : acc;
}

function lineScale(x: usize, n: i32, inner: i32, width: i32, factor: v128): void {
  for (let k = 0; k < n; k += stepOf(inner)) {
    const at = x + (<usize>(k * inner) << 2);
    const count = lanesAt(k, n, inner, width);
    storePartial(at, f32x4.mul(loadPartial(at, count, 0), factor), count);
  }
}

function lineDot(a: usize, b: usize, n: i32, inner: i32, width: i32): v128 {
  let acc = f32x4.splat(0);
  for (let k = 0; k < n; k += stepOf(inner)) {
    const at = <usize>(k * inner) << 2;
    const count = lanesAt(k, n, inner, width);
    acc = f32x4.add(acc, f32x4.mul(loadPartial(a + at, count, 0), loadPartial(b + at, count, 0)));
  }
  return inner == 1 ? f32x4.splat(horizontalSum(acc)) : acc;
}

function lineSum(x: usize, n: i32, inner: i32, width: i32): v128 {
  let acc = f32x4.splat(0);
  for (let k = 0; k < n; k += stepOf(inner)) {
    acc = f32x4.add(acc, loadPartial(x + (<usize>(k * inner) << 2), lanesAt(k, n, inner, width), 0));
  }
  return inner == 1 ? f32x4.splat(horizontalSum(acc)) : acc;
}

// ln of each lane; a contiguous row has one value splatted across them, so one log does.
@inline function logLanes(v: v128, inner: i32): v128 {
  let r = f32x4.splat(Mathf.log(f32x4.extract_lane(v, 0)));
  if (inner == 1) return r;
  r = f32x4.replace_lane(r, 1, Mathf.log(f32x4.extract_lane(v, 1)));
  r = f32x4.replace_lane(r, 2, Mathf.log(f32x4.extract_lane(v, 2)));
  return f32x4.replace_lane(r, 3, Mathf.log(f32x4.extract_lane(v, 3)));
}
