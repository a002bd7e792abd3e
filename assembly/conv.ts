// 2-D convolution (cross-correlation, NCHW) as im2col + GEMM, per image and per group, so one
// host call covers the whole batch; the forward pass packs its columns straight from the image
// where the weights fit (conv-forward.ts), the weight gradient always (conv-backward-weight.ts).
// The forward pass and the input gradient take a column scratch buffer of
// (channels/groups)*kernelH*kernelW x outH*outW floats, and at least one padded image of a group
// (conv-forward.ts), or 0 for a 1x1, stride-1, unpadded convolution, whose input already is the
// column matrix; the weight gradient takes conv2dBackwardWeightScratchBytes.
//
// Every kernel takes the same geometry tail: batch, channels, height, width, outChannels,
// kernelH, kernelW, strideH, strideW, padTop, padLeft, dilationH, dilationW, groups, outH, outW.
// Padding past the bottom/right edge is implicit: whatever falls outside the input reads as 0.

import { conv2dForwardImplicit, copyRun, implicitGemmFits, zeroRun } from './conv-forward';
import { conv2dBackwardWeightChunked, weightGradientImages, weightGradientScratchBytes } from './conv-backward-weight';
export { conv2dBackwardWeightPart, conv2dBackwardWeightSum } from './conv-backward-weight';
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

// out = weight (*) input (+ bias, unless bias is 0), then max(0, ·) if relu; the GEMM's epilogue
// applies both per tile.
export function conv2dForward(
  input: usize, weight: usize, bias: usize, out: usize, col: usize,
  batch: i32, channels: i32, height: i32, width: i32, outChannels: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, groups: i32, outH: i32, outW: i32, relu: i32,
): void {
  const cg = channels / groups;
  const og = outChannels / groups;
  const depth = cg * kh * kw;
  const area = outH * outW;
  if (implicitGemmFits(og, depth)) {
    conv2dForwardImplicit(input, weight, bias, out, col, batch, channels, height, width, outChannels, kh, kw, sh, sw, ph, pw, dh, dw, groups, outH, outW, relu != 0);
    return;
  }
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      const src = input + bytes((n * channels + g * cg) * height * width);
      if (col) im2col(src, col, cg, height, width, kh, kw, sh, sw, ph, pw, dh, dw, outH, outW);
      const columns = col ? col : src;
      const groupBias = bias ? bias + bytes(g * og) : 0;
      gemmBiasRelu(0, 0, og, area, depth, weight + bytes(g * og * depth), columns, out + bytes((n * outChannels + g * og) * area), groupBias, 1, relu);
    }
  }
}

/**
 * Images [begin, end) of conv2dForward (whose batch is split), with the column buffer of chunk
 * begin / chunk at col + that index × colBytes (col 0: none needed): threads each convolve their
 * own images, every output computed as in the whole batch.
 */
export function conv2dForwardPart(
  input: usize, weight: usize, bias: usize, out: usize, col: usize, colBytes: i32, chunk: i32,
  channels: i32, height: i32, width: i32, outChannels: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, groups: i32, outH: i32, outW: i32, relu: i32,
  begin: i32, end: i32,
): void {
  const ownCol = col ? col + <usize>(begin / chunk) * <usize>colBytes : 0;
  conv2dForward(
    input + bytes(begin * channels * height * width), weight, bias, out + bytes(begin * outChannels * outH * outW), ownCol,
    end - begin, channels, height, width, outChannels, kh, kw, sh, sw, ph, pw, dh, dw, groups, outH, outW, relu,
  );
}

// gradInput = weight^T applied to gradOut, scattered back through col2im.
export function conv2dBackwardInput(
  gradOut: usize, weight: usize, gradInput: usize, col: usize,
  batch: i32, channels: i32, height: i32, width: i32, outChannels: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, groups: i32, outH: i32, outW: i32,
): void {
  const cg = channels / groups;
  const og = outChannels / groups;
  const depth = cg * kh * kw;
  const area = outH * outW;
  if (col) memory.fill(gradInput, 0, bytes(batch * channels * height * width));
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      const dst = gradInput + bytes((n * channels + g * cg) * height * width);
      const columns = col ? col : dst;
      gemm(1, 0, depth, area, og, weight + bytes(g * og * depth), gradOut + bytes((n * outChannels + g * og) * area), columns, 0);
      if (col) col2im(col, dst, cg, height, width, kh, kw, sh, sw, ph, pw, dh, dw, outH, outW);
    }
  }
}

/**
 * Images [begin, end) of conv2dBackwardInput (whose batch is split), with the column buffer of
 * chunk begin / chunk at col + that index × colBytes (col 0: none needed): each image's gradient
 * is computed as in the whole batch.
 */
export function conv2dBackwardInputPart(
  gradOut: usize, weight: usize, gradInput: usize, col: usize, colBytes: i32, chunk: i32,
  channels: i32, height: i32, width: i32, outChannels: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, groups: i32, outH: i32, outW: i32,
  begin: i32, end: i32,
): void {
  const ownCol = col ? col + <usize>(begin / chunk) * <usize>colBytes : 0;
  conv2dBackwardInput(
    gradOut + bytes(begin * outChannels * outH * outW), weight, gradInput + bytes(begin * channels * height * width), ownCol,
    end - begin, channels, height, width, outChannels, kh, kw, sh, sw, ph, pw, dh, dw, groups, outH, outW,
  );
}

// gradWeight = sum over the batch of gradOut times the input's columns, transposed, the columns
// packed straight from the image, summed in chunks of images fixed by the geometry
// (conv-backward-weight.ts); `scratch` is conv2dBackwardWeightScratchBytes long (0: none needed).
export function conv2dBackwardWeight(
  input: usize, gradOut: usize, gradWeight: usize, scratch: usize,
  batch: i32, channels: i32, height: i32, width: i32, outChannels: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, groups: i32, outH: i32, outW: i32,
): void {
  conv2dBackwardWeightChunked(input, gradOut, gradWeight, scratch, batch, channels, height, width, outChannels, kh, kw, sh, sw, ph, pw, dh, dw, groups, outH, outW);
}

/** Bytes of scratch conv2dBackwardWeight needs (one chunk's), 64-byte aligned; 0 when none. */
export function conv2dBackwardWeightScratchBytes(
  batch: i32, channels: i32, height: i32, width: i32, outChannels: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, groups: i32, outH: i32, outW: i32,
): i32 {
  return weightGradientScratchBytes(batch, channels, height, width, outChannels, kh, kw, sh, sw, ph, pw, dh, dw, groups, outH, outW);
}

/** Images per chunk of conv2dBackwardWeight's sum over the batch (the batch itself: one chunk). */
export function conv2dBackwardWeightImages(
  batch: i32, channels: i32, height: i32, width: i32, outChannels: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, groups: i32, outH: i32, outW: i32,
): i32 {
  return weightGradientImages(batch, channels, outChannels, kh, kw, groups, outH, outW);
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
