import { kernels } from '../backend/backend.js';
import { withConvGeometry, type ConvGeometry } from '../backend/conv-geometry.js';
import { record } from '../autograd/node.js';
import { formatShape } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { reluGradient } from './fused-relu.js';
import { spatialPair, type SpatialSize } from './window.js';
import { checkOptionalTensor, checkOptions, checkTensor } from '../check-args.js';

/** A size for both spatial dimensions, or a pair [height, width]. */
export type { SpatialSize } from './window.js';

export interface Conv2dOptions {
  /** Step between windows (default 1). */
  stride?: SpatialSize;
  /** Zero padding on each side (default 0); 'valid' is 0, 'same' keeps the input size (stride 1 only). */
  padding?: SpatialSize | 'valid' | 'same';
  /** Spacing between kernel taps (default 1). */
  dilation?: SpatialSize;
  /** Input and output channels split into this many independent groups (default 1); groups == C is depthwise. */
  groups?: number;
}

/** A convolution's geometry as exporters need it; padding is [top, left, bottom, right]. */
export interface Conv2dAttributes {
  kernelShape: [number, number];
  stride: [number, number];
  padding: [number, number, number, number];
  dilation: [number, number];
  groups: number;
}

/** @internal A convolution's sizes as the kernels take them; 1-D convolutions have height 1. */
export type { ConvGeometry } from '../backend/conv-geometry.js';

/**
 * 2-D convolution (cross-correlation) as torch.nn.functional.conv2d: input [N, C, H, W],
 * weight [O, C/groups, kh, kw], optional bias [O]; output [N, O, outH, outW].
 */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  options = checkOptions<Conv2dOptions>('conv2d', options) as Conv2dOptions;
  return convolve(input, weight, bias, options, false);
}

/**
 * @internal relu(conv2d(...)) with the bias and the ReLU applied as the GEMM stores each output
 * tile: what Sequential runs for Conv2d followed by ReLU.
 */
export function conv2dRelu(input: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions): Tensor {
  return convolve(input, weight, bias, options, true);
}

function convolve(input: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions, relu: boolean): Tensor {
  const geometry = convGeometry(input, weight, bias, options);
  return convolveGeometry(input, weight, bias, geometry, [geometry.batch, geometry.outChannels, geometry.outH, geometry.outW], relu, relu ? 'conv2dRelu' : 'conv2d', convAttributes(geometry));
}

/**
 * @internal The convolution `geometry` describes, with checked arguments, into a tensor of
 * `outShape` (the memory of [N, O, outH, outW]), recorded as `op` with `attributes`.
 */
export function convolveGeometry(input: Tensor, weight: Tensor, bias: Tensor | null, geometry: ConvGeometry, outShape: number[], relu: boolean, op: string, attributes: object): Tensor {
  const out = Tensor.empty(outShape);
  const k = kernels();
  try {
    withConvGeometry(geometry, k.conv2dForwardScratchBytes, (g, scratch) => k.conv2dForward(input.ptr, weight.ptr, bias ? bias.ptr : 0, out.ptr, scratch, g, relu ? 1 : 0));
  } catch (error) {
    out.dispose();
    throw error;
  }
  return record(out, {
    op,
    inputs: [input, weight, bias],
    attributes,
    saved: relu ? [input, weight, out] : [input, weight],
    backward: (upstream, [x, w, y]) => {
      const g = relu ? reluGradient(y!, upstream) : upstream;
      const gx = input.requiresGrad ? Tensor.empty(input.shape) : null;
      const gw = weight.requiresGrad ? Tensor.empty(weight.shape) : null;
      const gb = bias?.requiresGrad ? Tensor.empty(bias.shape) : null;
      if (gw) withConvGeometry(geometry, k.conv2dBackwardWeightScratchBytes, (desc, scratch) => k.conv2dBackwardWeight(x!.ptr, g.ptr, gw.ptr, scratch, desc));
      if (gx) withConvGeometry(geometry, k.conv2dBackwardInputScratchBytes, (desc, scratch) => k.conv2dBackwardInput(g.ptr, w!.ptr, gx.ptr, scratch, desc));
      if (gb) k.conv2dBackwardBias(g.ptr, gb.ptr, geometry.batch, geometry.outChannels, geometry.outH * geometry.outW);
      if (g !== upstream) g.dispose();
      return [gx, gw, gb];
    },
  });
}

function convAttributes(g: ConvGeometry): Conv2dAttributes {
  return {
    kernelShape: [g.kernelH, g.kernelW],
    stride: [g.strideH, g.strideW],
    padding: [g.padTop, g.padLeft, g.padBottom, g.padRight],
    dilation: [g.dilationH, g.dilationW],
    groups: g.groups,
  };
}

function convGeometry(input: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions): ConvGeometry {
  checkTensor('conv2d', 'input', input);
  checkTensor('conv2d', 'weight', weight);
  checkOptionalTensor('conv2d', 'bias', bias);
  if (input.ndim !== 4) throw new Error(`simdgrad: conv2d: expected a 4-D input [N, C, H, W], got ${formatShape(input.shape)}; add a batch dimension with reshape([1, ...shape]) for a single image.`);
  if (weight.ndim !== 4) throw new Error(`simdgrad: conv2d: expected a 4-D weight [out_channels, in_channels/groups, kh, kw], got ${formatShape(weight.shape)}.`);
  const [batch, channels, height, width] = input.shape as [number, number, number, number];
  const [outChannels, groupChannels, kernelH, kernelW] = weight.shape as [number, number, number, number];
  const groups = options.groups ?? 1;
  checkGroups(groups, channels, outChannels, input, weight);
  if (channels !== groupChannels * groups) {
    throw new Error(`simdgrad: conv2d: expected input with ${groupChannels * groups} channels (weight ${formatShape(weight.shape)} has ${groupChannels} in_channels per group x ${groups} groups), got ${channels} channels in input ${formatShape(input.shape)}; give the weight shape [${outChannels}, ${channels / groups}, ${kernelH}, ${kernelW}] or feed ${groupChannels * groups}-channel input.`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outChannels)) {
    throw new Error(`simdgrad: conv2d: bias ${formatShape(bias.shape)} must be [${outChannels}] (out_channels of weight ${formatShape(weight.shape)}).`);
  }
  const [strideH, strideW] = spatialPair('conv2d', options.stride ?? 1, 'stride', 1);
  const [dilationH, dilationW] = spatialPair('conv2d', options.dilation ?? 1, 'dilation', 1);
  const spanH = dilationH * (kernelH - 1) + 1;
  const spanW = dilationW * (kernelW - 1) + 1;
  const [padTop, padBottom, padLeft, padRight] = resolvePadding(options.padding ?? 0, spanH, spanW, strideH, strideW);
  const outH = Math.floor((height + padTop + padBottom - spanH) / strideH) + 1;
  const outW = Math.floor((width + padLeft + padRight - spanW) / strideW) + 1;
  if (outH < 1 || outW < 1) {
    throw new Error(
      `simdgrad: conv2d: the kernel ${kernelH}x${kernelW} (dilation ${dilationH}x${dilationW}, spanning ${spanH}x${spanW}) is larger than the padded input ` +
        `${height + padTop + padBottom}x${width + padLeft + padRight} (input ${formatShape(input.shape)}, padding ${padTop}x${padLeft}); the output would be ${outH}x${outW}. ` +
        'Use a smaller kernel or dilation, more padding, or a larger input.',
    );
  }
  return { batch, channels, height, width, outChannels, kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, groups, outH, outW };
}

function checkGroups(groups: number, channels: number, outChannels: number, input: Tensor, weight: Tensor): void {
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`simdgrad: conv2d: groups must be a positive integer, got ${groups}.`);
  if (channels % groups !== 0) {
    throw new Error(`simdgrad: conv2d: input channels (${channels}, input ${formatShape(input.shape)}) are not divisible by groups ${groups}; choose groups that divides ${channels}.`);
  }
  if (outChannels % groups !== 0) {
    throw new Error(`simdgrad: conv2d: out_channels (${outChannels}, weight ${formatShape(weight.shape)}) are not divisible by groups ${groups}; choose groups that divides ${outChannels}.`);
  }
}

// [top, bottom, left, right]. 'same' splits odd totals like PyTorch: the extra row/column goes
// to the bottom/right.
function resolvePadding(padding: NonNullable<Conv2dOptions['padding']>, spanH: number, spanW: number, strideH: number, strideW: number): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    if (strideH !== 1 || strideW !== 1) {
      throw new Error(`simdgrad: conv2d: padding 'same' needs stride 1, got stride [${strideH}, ${strideW}]; give explicit padding for a strided convolution.`);
    }
    const totalH = spanH - 1;
    const totalW = spanW - 1;
    return [Math.floor(totalH / 2), Math.ceil(totalH / 2), Math.floor(totalW / 2), Math.ceil(totalW / 2)];
  }
  if (typeof padding === 'string') throw new Error(`simdgrad: conv2d: padding must be a number, a pair [h, w], 'valid' or 'same', got '${padding}'.`);
  const [h, w] = spatialPair('conv2d', padding, 'padding', 0);
  return [h, h, w, w];
}
