// 2-D convolution (cross-correlation, NCHW) as im2col + GEMM, per image and per group, so one
// host call covers the whole batch; the forward pass packs its columns straight from the image
// where the weights fit (conv-forward.ts), the weight gradient always (conv-backward-weight.ts).
//
// Every kernel takes the address of the convolution's geometry (conv-geometry.ts), planned once by
// conv2dPlan (conv-plan.ts: the path each pass takes), and a scratch buffer of the size its
// family's ...ScratchBytes export gives for that geometry (0: none needed).

import { conv2dForwardImplicit, copyRun, zeroRun } from './conv-forward';
import { conv2dForwardTransposed } from './conv-forward-transposed';
import { conv2dBackwardWeightChunked } from './conv-backward-weight';
import { ConvGeometry, geometryAt } from './conv-geometry';
import { FORWARD_IMPLICIT, FORWARD_POINTWISE, FORWARD_TRANSPOSED, INPUT_GRADIENT_ADJOINT, INPUT_GRADIENT_SCATTER, INPUT_GRADIENT_POINTWISE, planConv } from './conv-plan';
import { conv2dBackwardInputAdjoint } from './conv-backward-input';
import { conv2dBackwardInputScatter } from './conv-backward-input-scatter';
export { conv2dBackwardWeightPart, conv2dBackwardWeightSum } from './conv-backward-weight';
export { convGeometryBytes } from './conv-geometry';
import { gemm, gemmBiasRelu } from './gemm';

@inline function bytes(n: i32): usize {
  return <usize>n << 2;
}

// First output column ox >= 0 whose tap ox*stride + offset lands at or right of column 0.
@inline function firstInside(offset: i32, stride: i32, count: i32): i32 {
  if (offset >= 0) return 0;
  return min((stride - 1 - offset) / stride, count);
}

// One past the last output column whose tap ox*stride + offset lands left of `limit`.
@inline function endInside(offset: i32, stride: i32, limit: i32, first: i32, count: i32): i32 {
  const room = limit - offset;
  if (room <= 0) return first;
  return max(first, min((room + stride - 1) / stride, count));
}

@inline function addRun(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = bytes(i);
    v128.store(dst + off, f32x4.add(v128.load(dst + off), v128.load(src + off)));
  }
  for (; i < n; i++) {
    const off = bytes(i);
    store<f32>(dst + off, load<f32>(dst + off) + load<f32>(src + off));
  }
}

// col[(c*kh + i)*kw + j, oy*outW + ox] = src[c, oy*sh - ph + i*dh, ox*sw - pw + j*dw] (0 outside).
function im2col(
  src: usize, col: usize, channels: i32, height: i32, width: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, outH: i32, outW: i32,
): void {
  let row = col;
  for (let c = 0; c < channels; c++) {
    const plane = src + bytes(c * height * width);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const xOffset = j * dw - pw;
        const lo = firstInside(xOffset, sw, outW);
        const hi = endInside(xOffset, sw, width, lo, outW);
        for (let oy = 0; oy < outH; oy++) {
          const dst = row + bytes(oy * outW);
          const iy = oy * sh - ph + i * dh;
          if (iy < 0 || iy >= height) {
            zeroRun(dst, outW);
            continue;
          }
          const line = plane + bytes(iy * width + xOffset);
          zeroRun(dst, lo);
          if (sw == 1) {
            copyRun(dst + bytes(lo), line + bytes(lo), hi - lo);
          } else {
            for (let ox = lo; ox < hi; ox++) store<f32>(dst + bytes(ox), load<f32>(line + bytes(ox * sw)));
          }
          zeroRun(dst + bytes(hi), outW - hi);
        }
        row += bytes(outH * outW);
      }
    }
  }
}

// The adjoint of im2col: every column entry is added back to the input element it was read from.
function col2im(
  col: usize, dst: usize, channels: i32, height: i32, width: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, outH: i32, outW: i32,
): void {
  let row = col;
  for (let c = 0; c < channels; c++) {
    const plane = dst + bytes(c * height * width);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const xOffset = j * dw - pw;
        const lo = firstInside(xOffset, sw, outW);
        const hi = endInside(xOffset, sw, width, lo, outW);
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * sh - ph + i * dh;
          if (iy < 0 || iy >= height) continue;
          const from = row + bytes(oy * outW);
          const line = plane + bytes(iy * width + xOffset);
          if (sw == 1) {
            addRun(line + bytes(lo), from + bytes(lo), hi - lo);
          } else {
            for (let ox = lo; ox < hi; ox++) {
              const p = line + bytes(ox * sw);
              store<f32>(p, load<f32>(p) + load<f32>(from + bytes(ox)));
            }
          }
        }
        row += bytes(outH * outW);
      }
    }
  }
}

/** Fills in the plan of the geometry at `geometry` (conv-plan.ts), once, after the host wrote it; every kernel below reads it. */
export function conv2dPlan(geometry: usize): void {
  planConv(geometryAt(geometry));
}

/** Bytes of scratch conv2dForward needs (per chunk of conv2dForwardPart), 64-byte aligned; 0 when none. */
export function conv2dForwardScratchBytes(geometry: usize): i32 {
  return geometryAt(geometry).forwardScratchBytes;
}

/** Bytes of scratch conv2dBackwardInput needs (per chunk of conv2dBackwardInputPart), 64-byte aligned; 0 when none. */
export function conv2dBackwardInputScratchBytes(geometry: usize): i32 {
  return geometryAt(geometry).inputGradientScratchBytes;
}

// out = weight (*) input (+ bias, unless bias is 0), then max(0, ·) if relu; the GEMM's epilogue
// applies both per tile.
export function conv2dForward(input: usize, weight: usize, bias: usize, out: usize, scratch: usize, geometry: usize, relu: i32): void {
  const g = geometryAt(geometry);
  forwardImages(input, weight, bias, out, scratch, g, 0, g.batch, relu != 0);
}

/**
 * Images [begin, end) of conv2dForward (whose batch is split), with the scratch of chunk
 * begin / chunk at scratch + that index × scratchBytes: threads each convolve their own images,
 * every output computed as in the whole batch.
 */
export function conv2dForwardPart(
  input: usize, weight: usize, bias: usize, out: usize, scratch: usize, scratchBytes: i32, chunk: i32, geometry: usize, relu: i32,
  begin: i32, end: i32,
): void {
  const own = scratch ? scratch + <usize>(begin / chunk) * <usize>scratchBytes : 0;
  forwardImages(input, weight, bias, out, own, geometryAt(geometry), begin, end, relu != 0);
}

function forwardImages(input: usize, weight: usize, bias: usize, out: usize, scratch: usize, g: ConvGeometry, begin: i32, end: i32, relu: bool): void {
  const path = g.forwardPath;
  if (path == FORWARD_IMPLICIT) {
    conv2dForwardImplicit(input, weight, bias, out, scratch, g, begin, end, relu);
    return;
  }
  if (path == FORWARD_TRANSPOSED) {
    conv2dForwardTransposed(input, weight, bias, out, scratch, g, begin, end, relu);
    return;
  }
  const cg = g.groupChannels;
  const og = g.groupOutChannels;
  const depth = g.depth;
  const area = g.area;
  const pointwise = path == FORWARD_POINTWISE;
  for (let n = begin; n < end; n++) {
    for (let group = 0; group < g.groups; group++) {
      const src = input + bytes(n * g.imageFloats + group * cg * g.height * g.width);
      if (!pointwise) im2col(src, scratch, cg, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.strideW, g.padTop, g.padLeft, g.dilationH, g.dilationW, g.outH, g.outW);
      const columns = pointwise ? src : scratch;
      const groupBias = bias ? bias + bytes(group * og) : 0;
      gemmBiasRelu(0, 0, og, area, depth, weight + bytes(group * og * depth), columns, out + bytes(n * g.outImageFloats + group * og * area), groupBias, 1, relu ? 1 : 0);
    }
  }
}

// gradInput = weight^T applied to gradOut, scattered back through col2im, or with col2im folded
// into the GEMM's tiles (conv-backward-input-scatter.ts), or as the adjoint convolution
// (conv-backward-input.ts), as the plan says.
export function conv2dBackwardInput(gradOut: usize, weight: usize, gradInput: usize, scratch: usize, geometry: usize): void {
  const g = geometryAt(geometry);
  backwardInputImages(gradOut, weight, gradInput, scratch, g, 0, g.batch);
}

/**
 * Images [begin, end) of conv2dBackwardInput (whose batch is split), with the scratch of chunk
 * begin / chunk at scratch + that index × scratchBytes: each image's gradient is computed as in
 * the whole batch.
 */
export function conv2dBackwardInputPart(
  gradOut: usize, weight: usize, gradInput: usize, scratch: usize, scratchBytes: i32, chunk: i32, geometry: usize,
  begin: i32, end: i32,
): void {
  const own = scratch ? scratch + <usize>(begin / chunk) * <usize>scratchBytes : 0;
  backwardInputImages(gradOut, weight, gradInput, own, geometryAt(geometry), begin, end);
}

function backwardInputImages(gradOut: usize, weight: usize, gradInput: usize, scratch: usize, g: ConvGeometry, begin: i32, end: i32): void {
  const cg = g.groupChannels;
  const og = g.groupOutChannels;
  const depth = g.depth;
  const area = g.area;
  if (g.inputGradientPath == INPUT_GRADIENT_ADJOINT) {
    conv2dBackwardInputAdjoint(gradOut, weight, gradInput, scratch, g, begin, end);
    return;
  }
  if (g.inputGradientPath == INPUT_GRADIENT_SCATTER) {
    conv2dBackwardInputScatter(gradOut, weight, gradInput, scratch, g, begin, end);
    return;
  }
  const pointwise = g.inputGradientPath == INPUT_GRADIENT_POINTWISE;
  if (!pointwise) memory.fill(gradInput + bytes(begin * g.imageFloats), 0, bytes((end - begin) * g.imageFloats));
  for (let n = begin; n < end; n++) {
    for (let group = 0; group < g.groups; group++) {
      const dst = gradInput + bytes(n * g.imageFloats + group * cg * g.height * g.width);
      gemm(1, 0, depth, area, og, weight + bytes(group * og * depth), gradOut + bytes(n * g.outImageFloats + group * og * area), pointwise ? dst : scratch, 0);
      if (!pointwise) col2im(scratch, dst, cg, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.strideW, g.padTop, g.padLeft, g.dilationH, g.dilationW, g.outH, g.outW);
    }
  }
}

// gradWeight = sum over the batch of gradOut times the input's columns, transposed, the columns
// packed straight from the image, summed in chunks of images fixed by the geometry
// (conv-backward-weight.ts).
export function conv2dBackwardWeight(input: usize, gradOut: usize, gradWeight: usize, scratch: usize, geometry: usize): void {
  conv2dBackwardWeightChunked(input, gradOut, gradWeight, scratch, geometryAt(geometry));
}

/** Bytes of scratch conv2dBackwardWeight needs (one chunk's), 64-byte aligned; 0 when none. */
export function conv2dBackwardWeightScratchBytes(geometry: usize): i32 {
  return geometryAt(geometry).weightGradientScratchBytes;
}

/** Images per chunk of conv2dBackwardWeight's sum over the batch (the batch itself: one chunk). */
export function conv2dBackwardWeightImages(geometry: usize): i32 {
  return geometryAt(geometry).weightGradientImages;
}

// The plan's paths (conv-plan.ts's constants), for the host to name (src/backend/conv-geometry.ts, convPlan).
export function conv2dForwardPath(geometry: usize): i32 {
  return geometryAt(geometry).forwardPath;
}

/** 1 where the positions × channels forward tiles each output row in place (conv-forward-transposed.ts), else 0. */
export function conv2dForwardRowTiles(geometry: usize): i32 {
  return geometryAt(geometry).forwardRowTiles ? 1 : 0;
}

export function conv2dBackwardInputPath(geometry: usize): i32 {
  return geometryAt(geometry).inputGradientPath;
}

export function conv2dBackwardWeightPath(geometry: usize): i32 {
  return geometryAt(geometry).weightGradientPath;
}

// gradBias[o] = sum over n and every output position of gradOut[n, o].
export function conv2dBackwardBias(gradOut: usize, gradBias: usize, batch: i32, outChannels: i32, area: i32): void {
  conv2dBackwardBiasPart(gradOut, gradBias, batch, outChannels, area, 0, outChannels);
}

/** Output channels [begin, end) of conv2dBackwardBias: each channel's sum is the same whoever computes it. */
export function conv2dBackwardBiasPart(gradOut: usize, gradBias: usize, batch: i32, outChannels: i32, area: i32, begin: i32, end: i32): void {
  for (let o = begin; o < end; o++) {
    let acc = f32x4.splat(0);
    let tail: f32 = 0;
    for (let n = 0; n < batch; n++) {
      const src = gradOut + bytes((n * outChannels + o) * area);
      let i = 0;
      for (; i + 4 <= area; i += 4) acc = f32x4.add(acc, v128.load(src + bytes(i)));
      for (; i < area; i++) tail += load<f32>(src + bytes(i));
    }
    const total = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    store<f32>(gradBias + bytes(o), total + tail);
  }
}
