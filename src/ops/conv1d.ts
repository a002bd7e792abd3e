import { formatShape } from '../shape-util.js';
import type { Tensor } from '../tensor.js';
import { convolveGeometry, type ConvGeometry } from './conv.js';
import { checkInteger, checkOptionalTensor, checkOptions, checkTensor } from '../check-args.js';

export interface Conv1dOptions {
  /** Step between windows (default 1). */
  stride?: number;
  /** Zero padding on each end (default 0); 'valid' is 0, 'same' keeps the length (stride 1 only). */
  padding?: number | 'valid' | 'same';
  /** Spacing between kernel taps (default 1). */
  dilation?: number;
  /** Input and output channels split into this many independent groups (default 1); groups == C is depthwise. */
  groups?: number;
}

/** A 1-D convolution's geometry as exporters need it; padding is [left, right]. */
export interface Conv1dAttributes {
  kernelShape: [number];
  stride: [number];
  padding: [number, number];
  dilation: [number];
  groups: number;
}

/**
 * 1-D convolution (cross-correlation) as torch.nn.functional.conv1d: input [N, C, L], weight
 * [O, C/groups, k], optional bias [O]; output [N, O, outL]. It runs the conv2d kernels on the
 * same memory seen as [N, C, 1, L] with a [O, C/groups, 1, k] weight.
 */
export function conv1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv1dOptions = {}): Tensor {
  checkTensor('conv1d', 'input', input);
  checkTensor('conv1d', 'weight', weight);
  checkOptionalTensor('conv1d', 'bias', bias);
  options = checkOptions<Conv1dOptions>('conv1d', options) as Conv1dOptions;
  const g = conv1dGeometry(input, weight, bias, options);
  const attributes: Conv1dAttributes = { kernelShape: [g.kernelW], stride: [g.strideW], padding: [g.padLeft, g.padRight], dilation: [g.dilationW], groups: g.groups };
  return convolveGeometry(input, weight, bias, g, [g.batch, g.outChannels, g.outW], false, 'conv1d', attributes);
}

function conv1dGeometry(input: Tensor, weight: Tensor, bias: Tensor | null, options: Conv1dOptions): ConvGeometry {
  if (input.ndim !== 3) throw new Error(`simdgrad: conv1d: expected a 3-D input [N, C, L], got ${formatShape(input.shape)}; add a batch dimension with reshape([1, ...shape]) for a single sequence.`);
  if (weight.ndim !== 3) throw new Error(`simdgrad: conv1d: expected a 3-D weight [out_channels, in_channels/groups, k], got ${formatShape(weight.shape)}.`);
  const [batch, channels, length] = input.shape as [number, number, number];
  const [outChannels, groupChannels, kernel] = weight.shape as [number, number, number];
  const groups = checkInteger('conv1d', 'groups', options.groups ?? 1, 1);
  if (channels % groups !== 0 || outChannels % groups !== 0) {
    throw new Error(`simdgrad: conv1d: groups ${groups} must divide both the input channels (${channels}, input ${formatShape(input.shape)}) and out_channels (${outChannels}, weight ${formatShape(weight.shape)}).`);
  }
  if (channels !== groupChannels * groups) {
    throw new Error(`simdgrad: conv1d: expected input with ${groupChannels * groups} channels (weight ${formatShape(weight.shape)} has ${groupChannels} in_channels per group x ${groups} groups), got ${channels} channels in input ${formatShape(input.shape)}.`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outChannels)) {
    throw new Error(`simdgrad: conv1d: bias ${formatShape(bias.shape)} must be [${outChannels}] (out_channels of weight ${formatShape(weight.shape)}).`);
  }
  const stride = checkInteger('conv1d', 'stride', options.stride ?? 1, 1);
  const dilation = checkInteger('conv1d', 'dilation', options.dilation ?? 1, 1);
  const span = dilation * (kernel - 1) + 1;
  const [padLeft, padRight] = resolvePadding(options.padding ?? 0, span, stride);
  const outW = Math.floor((length + padLeft + padRight - span) / stride) + 1;
  if (outW < 1 || kernel < 1) {
    throw new Error(`simdgrad: conv1d: the kernel ${kernel} (dilation ${dilation}, spanning ${span}) is larger than the padded input length ${length + padLeft + padRight} (input ${formatShape(input.shape)}); use a smaller kernel or dilation, more padding, or a longer input.`);
  }
  return {
    batch, channels, height: 1, width: length, outChannels, kernelH: 1, kernelW: kernel, strideH: 1, strideW: stride,
    padTop: 0, padLeft, padBottom: 0, padRight, dilationH: 1, dilationW: dilation, groups, outH: 1, outW,
  };
}

// [left, right]; 'same' puts an odd total's extra element on the right, as PyTorch.
function resolvePadding(padding: unknown, span: number, stride: number): [number, number] {
  if (padding === 'valid') return [0, 0];
  if (padding === 'same') {
    if (stride !== 1) throw new Error(`simdgrad: conv1d: padding 'same' needs stride 1, got stride ${stride}; give explicit padding for a strided convolution.`);
    return [Math.floor((span - 1) / 2), Math.ceil((span - 1) / 2)];
  }
  if (typeof padding === 'string') throw new Error(`simdgrad: conv1d: padding must be a non-negative integer, 'valid' or 'same', got '${padding}'.`);
  const p = checkInteger('conv1d', 'padding', padding, 0);
  return [p, p];
}
