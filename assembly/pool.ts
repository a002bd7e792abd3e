// 2-D pooling over NCHW tensors viewed as `planes` (N*C) independent H x W images.
// 2x2 windows with stride 2 and no padding go to pool-2x2.ts. Otherwise, windows that lie wholly
// inside a row ("interior" columns) are done four outputs at a time for strides 1 and 2; the
// border columns, where the window meets padding, go element by element.

import { avgPool2x2Backward, avgPool2x2Forward, fitsPairwise, maxPool2x2Backward, maxPool2x2Forward } from './pool-2x2';

@inline function bytes(n: i32): usize {
  return <usize>n << 2;
}

// First output column whose window starts at or right of input column 0.
@inline function firstFullWindow(pad: i32, stride: i32, count: i32): i32 {
  return min((pad + stride - 1) / stride, count);
}

// One past the last output column whose window (`span` columns wide) ends inside the row.
@inline function endFullWindow(pad: i32, stride: i32, span: i32, width: i32, first: i32, count: i32): i32 {
  const room = width - span + pad;
  if (room < 0) return first;
  return max(first, min(room / stride + 1, count));
}

// Four values at columns p, p+stride, p+2*stride, p+3*stride of a row, for stride 1 or 2; the
// second load of the stride-2 case starts at p+3 so it never reads past p+6.
@inline function loadStrided(p: usize, stride: i32): v128 {
  if (stride == 1) return v128.load(p);
  return f32x4.shuffle(v128.load(p), v128.load(p + 12), 0, 2, 5, 7);
}

@inline function sumRun(p: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) acc = f32x4.add(acc, v128.load(p + bytes(i)));
  let s: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; i < n; i++) s += load<f32>(p + bytes(i));
  return s;
}

@inline function addScalarRun(p: usize, n: i32, value: f32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(p + bytes(i), f32x4.add(v128.load(p + bytes(i)), v));
  for (; i < n; i++) store<f32>(p + bytes(i), load<f32>(p + bytes(i)) + value);
}

// ---- max pooling --------------------------------------------------------------------------

// Padding and anything outside the input count as -infinity; ties keep the first maximum in
// row-major window order and NaN wins, as in PyTorch, which also credits a window of nothing but
// -infinity to its first element inside the input. argmax (0 when no backward will run)
// receives the flat index iy*W + ix of each maximum within its plane, or -1 for a window wholly
// outside the input.
function maxWindow(
  plane: usize, height: i32, width: i32, y0: i32, x0: i32, kh: i32, kw: i32, dh: i32, dw: i32,
  dst: usize, argmax: usize,
): void {
  let best = f32.NEGATIVE_INFINITY;
  let at = -1;
  for (let i = 0; i < kh; i++) {
    const iy = y0 + i * dh;
    if (iy < 0 || iy >= height) continue;
    for (let j = 0; j < kw; j++) {
      const ix = x0 + j * dw;
      if (ix < 0 || ix >= width) continue;
      const v = load<f32>(plane + bytes(iy * width + ix));
      if (v > best || v != v || at < 0) {
        best = v;
        at = iy * width + ix;
      }
    }
  }
  store<f32>(dst, best);
  if (argmax) store<i32>(argmax, at);
}

function maxWindowsOfFour(
  plane: usize, height: i32, width: i32, y0: i32, x0: i32, kh: i32, kw: i32, sw: i32, dh: i32, dw: i32,
  dst: usize, argmax: usize,
): void {
  let best = f32x4.splat(f32.NEGATIVE_INFINITY);
  let at = i32x4.splat(-1);
  const laneColumns = i32x4.mul(i32x4(0, 1, 2, 3), i32x4.splat(sw));
  let firstRow = -1;
  for (let i = 0; i < kh; i++) {
    const iy = y0 + i * dh;
    if (iy < 0 || iy >= height) continue;
    if (firstRow < 0) firstRow = iy;
    for (let j = 0; j < kw; j++) {
      const index = iy * width + x0 + j * dw;
      const v = loadStrided(plane + bytes(index), sw);
      const better = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
      best = v128.bitselect(v, best, better);
      at = v128.bitselect(i32x4.add(i32x4.splat(index), laneColumns), at, better);
    }
  }
  v128.store(dst, best);
  if (!argmax) return;
  // Lanes no element replaced hold nothing but -infinity: credit each window's first element.
  const firstElements = i32x4.add(i32x4.splat(firstRow * width + x0), laneColumns);
  v128.store(argmax, v128.bitselect(firstElements, at, i32x4.eq(at, i32x4.splat(-1))));
}

export function maxPool2dForward(
  input: usize, out: usize, argmax: usize, planes: i32, height: i32, width: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32,
): void {
  if (fitsPairwise(height, width, outH, outW, kh, kw, sh, sw, ph, pw, dh, dw)) {
    maxPool2x2Forward(input, out, argmax, planes, height, width, outH, outW);
    return;
  }
  const first = firstFullWindow(pw, sw, outW);
  const end = endFullWindow(pw, sw, (kw - 1) * dw + 1, width, first, outW);
  const vectorEnd = sw <= 2 ? first + ((end - first) & ~3) : first;
  for (let p = 0; p < planes; p++) {
    const plane = input + bytes(p * height * width);
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * sh - ph;
      const o = (p * outH + oy) * outW;
      let ox = 0;
      for (; ox < first; ox++) {
        maxWindow(plane, height, width, y0, ox * sw - pw, kh, kw, dh, dw, out + bytes(o + ox), argmax ? argmax + bytes(o + ox) : 0);
      }
      for (; ox < vectorEnd; ox += 4) {
        maxWindowsOfFour(plane, height, width, y0, ox * sw - pw, kh, kw, sw, dh, dw, out + bytes(o + ox), argmax ? argmax + bytes(o + ox) : 0);
      }
      for (; ox < outW; ox++) {
        maxWindow(plane, height, width, y0, ox * sw - pw, kh, kw, dh, dw, out + bytes(o + ox), argmax ? argmax + bytes(o + ox) : 0);
      }
    }
  }
}

// Each output's gradient goes to the input element that was its maximum; overlapping windows
// that share a maximum add up.
export function maxPool2dBackward(
  gradOut: usize, argmax: usize, gradInput: usize, planes: i32, height: i32, width: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32,
): void {
  if (fitsPairwise(height, width, outH, outW, kh, kw, sh, sw, ph, pw, dh, dw)) {
    maxPool2x2Backward(gradOut, argmax, gradInput, planes, height, width, outH, outW);
    return;
  }
  const inArea = height * width;
  const outArea = outH * outW;
  memory.fill(gradInput, 0, bytes(planes * inArea));
  for (let p = 0; p < planes; p++) {
    const dst = gradInput + bytes(p * inArea);
    const base = p * outArea;
    for (let o = 0; o < outArea; o++) {
      const at = load<i32>(argmax + bytes(base + o));
      if (at < 0) continue;
      const q = dst + bytes(at);
      store<f32>(q, load<f32>(q) + load<f32>(gradOut + bytes(base + o)));
    }
  }
}

// ---- average pooling ----------------------------------------------------------------------

// PyTorch's divisor along one axis: the window clipped to the padded input when padding counts,
// clipped to the input itself when it does not.
@inline function windowCount(start: i32, kernel: i32, size: i32, pad: i32, countIncludePad: i32): i32 {
  const padded = min(start + kernel, size + pad) - start;
  if (countIncludePad) return padded;
  return min(start + kernel, size) - max(start, 0);
}

function avgWindow(plane: usize, height: i32, width: i32, y0: i32, x0: i32, kh: i32, kw: i32, divisor: f32): f32 {
  const ys = max(y0, 0);
  const ye = min(y0 + kh, height);
  const xs = max(x0, 0);
  const xe = min(x0 + kw, width);
  let s: f32 = 0;
  for (let iy = ys; iy < ye; iy++) s += sumRun(plane + bytes(iy * width + xs), xe - xs);
  return s / divisor;
}

function avgWindowsOfFour(plane: usize, height: i32, width: i32, y0: i32, x0: i32, kh: i32, kw: i32, sw: i32, divisor: f32): v128 {
  let acc = f32x4.splat(0);
  const ye = min(y0 + kh, height);
  for (let iy = max(y0, 0); iy < ye; iy++) {
    const line = plane + bytes(iy * width + x0);
    for (let j = 0; j < kw; j++) acc = f32x4.add(acc, loadStrided(line + bytes(j), sw));
  }
  return f32x4.div(acc, f32x4.splat(divisor));
}

export function avgPool2dForward(
  input: usize, out: usize, planes: i32, height: i32, width: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, countIncludePad: i32,
): void {
  if (fitsPairwise(height, width, outH, outW, kh, kw, sh, sw, ph, pw, 1, 1)) {
    avgPool2x2Forward(input, out, planes, height, width, outH, outW);
    return;
  }
  const first = firstFullWindow(pw, sw, outW);
  const end = endFullWindow(pw, sw, kw, width, first, outW);
  const vectorEnd = sw <= 2 ? first + ((end - first) & ~3) : first;
  for (let p = 0; p < planes; p++) {
    const plane = input + bytes(p * height * width);
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * sh - ph;
      const rows = windowCount(y0, kh, height, ph, countIncludePad);
      const dst = out + bytes((p * outH + oy) * outW);
      let ox = 0;
      for (; ox < first; ox++) {
        const x0 = ox * sw - pw;
        store<f32>(dst + bytes(ox), avgWindow(plane, height, width, y0, x0, kh, kw, <f32>(rows * windowCount(x0, kw, width, pw, countIncludePad))));
      }
      for (; ox < vectorEnd; ox += 4) {
        v128.store(dst + bytes(ox), avgWindowsOfFour(plane, height, width, y0, ox * sw - pw, kh, kw, sw, <f32>(rows * kw)));
      }
      for (; ox < outW; ox++) {
        const x0 = ox * sw - pw;
        store<f32>(dst + bytes(ox), avgWindow(plane, height, width, y0, x0, kh, kw, <f32>(rows * windowCount(x0, kw, width, pw, countIncludePad))));
      }
    }
  }
}

// The output rows whose windows cover input row iy: oy*sh - ph <= iy <= oy*sh - ph + kh - 1.
@inline function firstCoveringRow(iy: i32, kh: i32, sh: i32, ph: i32): i32 {
  const reach = iy + ph - kh + 1;
  return reach <= 0 ? 0 : (reach + sh - 1) / sh;
}

@inline function lastCoveringRow(iy: i32, sh: i32, ph: i32, outH: i32): i32 {
  return min((iy + ph) / sh, outH - 1);
}

// One output's gradient times `scale`, over its window's column count: the interior windows'
// count is kw, and only the border ones need a division.
@inline function columnShare(src: usize, ox: i32, x0: i32, width: i32, kw: i32, pw: i32, first: i32, end: i32, countIncludePad: i32, scale: f32, interiorScale: f32): f32 {
  const g = load<f32>(src + bytes(ox));
  return ox >= first && ox < end ? g * interiorScale : g * scale / <f32>windowCount(x0, kw, width, pw, countIncludePad);
}

// Adds outputs [from, to) of one gradient row, as shares, to the input columns of their windows
// that lie in [columnStart, columnEnd).
function scatterRowShares(
  row: usize, src: usize, width: i32, from: i32, to: i32, kw: i32, sw: i32, pw: i32, first: i32, end: i32, countIncludePad: i32, scale: f32,
  columnStart: i32, columnEnd: i32,
): void {
  const interiorScale = scale / <f32>kw;
  for (let ox = from; ox < to; ox++) {
    const x0 = ox * sw - pw;
    const xs = max(x0, columnStart);
    const share = columnShare(src, ox, x0, width, kw, pw, first, end, countIncludePad, scale, interiorScale);
    addScalarRun(row + bytes(xs), min(x0 + kw, columnEnd) - xs, share);
  }
}

// Stride 1: input column ix takes outputs ix+pw-kw+1 .. ix+pw. Where all of those are interior
// windows (divisor kw), four columns at a time sum kw shifted loads of the gradient row, which
// avoids the overlapping read-modify-writes of a scatter; the scatter does the border columns.
function gatherRowShares(
  row: usize, src: usize, width: i32, outW: i32, kw: i32, pw: i32, first: i32, end: i32, countIncludePad: i32, scale: f32,
): void {
  const gatherStart = min(max(first - pw + kw - 1, 0), width);
  const gatherEnd = gatherStart + max((end - pw - gatherStart) & ~3, 0);
  const interiorScale = f32x4.splat(scale / <f32>kw);
  for (let ix = gatherStart; ix < gatherEnd; ix += 4) {
    let acc = f32x4.splat(0);
    for (let j = 0; j < kw; j++) acc = f32x4.add(acc, v128.load(src + bytes(ix + pw - j)));
    const q = row + bytes(ix);
    v128.store(q, f32x4.add(v128.load(q), f32x4.mul(acc, interiorScale)));
  }
  // The outputs whose windows reach left of gatherStart, then those reaching right of gatherEnd.
  scatterRowShares(row, src, width, 0, min(gatherStart + pw, outW), kw, 1, pw, first, end, countIncludePad, scale, 0, gatherStart);
  const rightStart = min(max(gatherEnd + pw - kw + 1, 0), outW);
  scatterRowShares(row, src, width, rightStart, outW, kw, 1, pw, first, end, countIncludePad, scale, gatherEnd, width);
}

// Each output's gradient, divided by its divisor, goes to every input element of its window. The
// divisor is rows(oy) * columns(ox), so each input row, while it is hot in cache, sums the rows of
// gradient whose windows cover it, each scaled by 1/rows and spread over its windows' columns.
export function avgPool2dBackward(
  gradOut: usize, gradInput: usize, planes: i32, height: i32, width: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, countIncludePad: i32,
): void {
  if (fitsPairwise(height, width, outH, outW, kh, kw, sh, sw, ph, pw, 1, 1)) {
    avgPool2x2Backward(gradOut, gradInput, planes, height, width, outH, outW);
    return;
  }
  const first = firstFullWindow(pw, sw, outW);
  const end = endFullWindow(pw, sw, kw, width, first, outW);
  for (let p = 0; p < planes; p++) {
    for (let iy = 0; iy < height; iy++) {
      const row = gradInput + bytes((p * height + iy) * width);
      memory.fill(row, 0, bytes(width));
      const last = lastCoveringRow(iy, sh, ph, outH);
      for (let oy = firstCoveringRow(iy, kh, sh, ph); oy <= last; oy++) {
        const scale = <f32>1 / <f32>windowCount(oy * sh - ph, kh, height, ph, countIncludePad);
        const src = gradOut + bytes((p * outH + oy) * outW);
        if (sw == 1) gatherRowShares(row, src, width, outW, kw, pw, first, end, countIncludePad, scale);
        else scatterRowShares(row, src, width, 0, outW, kw, sw, pw, first, end, countIncludePad, scale, 0, width);
      }
    }
  }
}

// ---- adaptive average pooling -------------------------------------------------------------

// PyTorch's bins: output i covers [floor(i*size/out), ceil((i+1)*size/out)).
@inline function binStart(i: i32, size: i32, out: i32): i32 {
  return (i * size) / out;
}

@inline function binEnd(i: i32, size: i32, out: i32): i32 {
  return ((i + 1) * size + out - 1) / out;
}

export function adaptiveAvgPool2dForward(input: usize, out: usize, planes: i32, height: i32, width: i32, outH: i32, outW: i32): void {
  for (let p = 0; p < planes; p++) {
    const plane = input + bytes(p * height * width);
    for (let oy = 0; oy < outH; oy++) {
      const ys = binStart(oy, height, outH);
      const ye = binEnd(oy, height, outH);
      for (let ox = 0; ox < outW; ox++) {
        const xs = binStart(ox, width, outW);
        const xe = binEnd(ox, width, outW);
        let s: f32 = 0;
        for (let iy = ys; iy < ye; iy++) s += sumRun(plane + bytes(iy * width + xs), xe - xs);
        store<f32>(out + bytes((p * outH + oy) * outW + ox), s / <f32>((ye - ys) * (xe - xs)));
      }
    }
  }
}

export function adaptiveAvgPool2dBackward(gradOut: usize, gradInput: usize, planes: i32, height: i32, width: i32, outH: i32, outW: i32): void {
  memory.fill(gradInput, 0, bytes(planes * height * width));
  for (let p = 0; p < planes; p++) {
    const plane = gradInput + bytes(p * height * width);
    for (let oy = 0; oy < outH; oy++) {
      const ys = binStart(oy, height, outH);
      const ye = binEnd(oy, height, outH);
      for (let ox = 0; ox < outW; ox++) {
        const xs = binStart(ox, width, outW);
        const xe = binEnd(ox, width, outW);
        const share = load<f32>(gradOut + bytes((p * outH + oy) * outW + ox)) / <f32>((ye - ys) * (xe - xs));
        for (let iy = ys; iy < ye; iy++) addScalarRun(plane + bytes(iy * width + xs), xe - xs, share);
      }
    }
  }
}

// ---- a thread's share ---------------------------------------------------------------------

// The planes [begin, end) of each kernel above, for src/backend/threads/parallel-pool.ts; the
// arguments are the whole call's. Every plane is pooled on its own, so a share stores exactly
// what the whole call would.

@inline function planeBytes(begin: i32, height: i32, width: i32): usize {
  return <usize>begin * <usize>(height * width) << 2;
}

export function maxPool2dForwardPart(
  input: usize, out: usize, argmax: usize, planes: i32, height: i32, width: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, begin: i32, end: i32,
): void {
  const outSkip = planeBytes(begin, outH, outW);
  maxPool2dForward(
    input + planeBytes(begin, height, width), out + outSkip, argmax ? argmax + outSkip : 0, end - begin, height, width, outH, outW,
    kh, kw, sh, sw, ph, pw, dh, dw,
  );
}

export function maxPool2dBackwardPart(
  gradOut: usize, argmax: usize, gradInput: usize, planes: i32, height: i32, width: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, begin: i32, end: i32,
): void {
  const outSkip = planeBytes(begin, outH, outW);
  maxPool2dBackward(
    gradOut + outSkip, argmax + outSkip, gradInput + planeBytes(begin, height, width), end - begin, height, width, outH, outW,
    kh, kw, sh, sw, ph, pw, dh, dw,
  );
}

export function avgPool2dForwardPart(
  input: usize, out: usize, planes: i32, height: i32, width: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, countIncludePad: i32, begin: i32, end: i32,
): void {
  avgPool2dForward(
    input + planeBytes(begin, height, width), out + planeBytes(begin, outH, outW), end - begin, height, width, outH, outW,
    kh, kw, sh, sw, ph, pw, countIncludePad,
  );
}

export function avgPool2dBackwardPart(
  gradOut: usize, gradInput: usize, planes: i32, height: i32, width: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, countIncludePad: i32, begin: i32, end: i32,
): void {
  avgPool2dBackward(
    gradOut + planeBytes(begin, outH, outW), gradInput + planeBytes(begin, height, width), end - begin, height, width, outH, outW,
    kh, kw, sh, sw, ph, pw, countIncludePad,
  );
}

export function adaptiveAvgPool2dForwardPart(input: usize, out: usize, planes: i32, height: i32, width: i32, outH: i32, outW: i32, begin: i32, end: i32): void {
  adaptiveAvgPool2dForward(input + planeBytes(begin, height, width), out + planeBytes(begin, outH, outW), end - begin, height, width, outH, outW);
}

export function adaptiveAvgPool2dBackwardPart(gradOut: usize, gradInput: usize, planes: i32, height: i32, width: i32, outH: i32, outW: i32, begin: i32, end: i32): void {
  adaptiveAvgPool2dBackward(gradOut + planeBytes(begin, outH, outW), gradInput + planeBytes(begin, height, width), end - begin, height, width, outH, outW);
}
