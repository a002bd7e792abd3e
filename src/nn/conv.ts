import { conv2d, conv2dRelu, type Conv2dOptions as FunctionalConv2dOptions } from '../ops/conv.js';
import { spatialPair, type SpatialSize } from '../ops/window.js';
import { formatShape } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { resetWeightAndBias_ } from './init.js';
import { Module } from './module.js';
import { pythonTuple, pythonValue } from './repr.js';
import { checkOptions, checkTensor } from '../check-args.js';

export interface Conv2dOptions extends FunctionalConv2dOptions {
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
}

type Pair = [number, number];

/**
 * 2-D convolution over [N, C, H, W] input, as torch.nn.Conv2d: weight
 * [outChannels, inChannels / groups, kh, kw], bias [outChannels]. Sizes are one number for both
 * dimensions or a pair [h, w]; padding may also be 'valid' (none) or 'same' (stride 1 only).
 */
export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair | 'same' | 'valid';
  readonly dilation: Pair;
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: SpatialSize, options: Conv2dOptions = {}) {
    super();
    options = checkOptions<Conv2dOptions>('Conv2d', options) as Conv2dOptions;
    this.groups = options.groups ?? 1;
    checkChannels('Conv2d', inChannels, outChannels, this.groups);
    this.kernelSize = spatialPair('Conv2d', kernelSize, 'kernelSize', 1);
    this.stride = spatialPair('Conv2d', options.stride ?? 1, 'stride', 1);
    this.dilation = spatialPair('Conv2d', options.dilation ?? 1, 'dilation', 1);
    this.padding = resolvePadding(options.padding ?? 0, this.stride);
    const [kernelH, kernelW] = this.kernelSize;
    this.weight = this.registerParameter('weight', Tensor.empty([outChannels, inChannels / this.groups, kernelH, kernelW]));
    this.bias = (options.bias ?? true) ? this.registerParameter('bias', Tensor.empty([outChannels])) : null;
    this.resetParameters();
  }

  /** PyTorch's default: weight and bias from U(-1/√fanIn, 1/√fanIn), fanIn = inChannels / groups · kh · kw. */
  resetParameters(): void {
    resetWeightAndBias_(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    return this.convolve(x, conv2d);
  }

  /** @internal relu(forward(x)) as one op: what Sequential runs for Conv2d followed by ReLU. */
  forwardRelu(x: Tensor): Tensor {
    return this.convolve(x, conv2dRelu);
  }

  private convolve(x: Tensor, op: typeof conv2dRelu): Tensor {
    this.checkInput(x);
    return op(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  override extraRepr(): string {
    const parts = [`${this.inChannels}, ${this.outChannels}, kernel_size=${pythonTuple(this.kernelSize)}, stride=${pythonTuple(this.stride)}`];
    if (typeof this.padding === 'string' || this.padding.some((p) => p !== 0)) parts.push(`padding=${pythonValue(this.padding)}`);
    if (this.dilation.some((d) => d !== 1)) parts.push(`dilation=${pythonTuple(this.dilation)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (!this.bias) parts.push('bias=False');
    return parts.join(', ');
  }

  // The functional op's messages speak of weight shapes; a layer's user thinks in its constructor arguments.
  private checkInput(x: Tensor): void {
    checkTensor('Conv2d', 'input', x);
    const where = (): string => `simdgrad: ${this.toString()}`;
    if (x.ndim !== 4) {
      throw new Error(`${where()}: expected a 4-D input [N, C, H, W], got ${formatShape(x.shape)}; add a batch dimension with reshape([1, ...shape]) for a single image.`);
    }
    const channels = x.shape[1]!;
    if (channels !== this.inChannels) {
      throw new Error(`${where()}: expected input with ${this.inChannels} channels, got ${formatShape(x.shape)}; feed [N, ${this.inChannels}, H, W] or build the layer as Conv2d(${channels}, ${this.outChannels}, ...).`);
    }
  }
}

/** @internal Channel counts and groups of a convolution layer: positive, and groups dividing both. */
export function checkChannels(layer: string, inChannels: number, outChannels: number, groups: number): void {
  for (const [name, value] of [['inChannels', inChannels], ['outChannels', outChannels], ['groups', groups]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`simdgrad: ${layer}: ${name} must be a positive integer, got ${value}.`);
  }
  for (const [name, value] of [['inChannels', inChannels], ['outChannels', outChannels]] as const) {
    if (value % groups !== 0) {
      throw new Error(`simdgrad: ${layer}: ${name} (${value}) must be divisible by groups (${groups}); each group convolves ${name} / groups channels. Choose groups that divides both ${inChannels} and ${outChannels}.`);
    }
  }
}

function resolvePadding(padding: NonNullable<FunctionalConv2dOptions['padding']>, stride: Pair): Pair | 'same' | 'valid' {
  if (padding === 'valid') return padding;
  if (padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) {
      throw new Error(`simdgrad: Conv2d: padding 'same' needs stride 1, got stride ${pythonTuple(stride)}; give explicit padding for a strided convolution.`);
    }
    return padding;
  }
  if (typeof padding === 'string') throw new Error(`simdgrad: Conv2d: padding must be a number, a pair [h, w], 'valid' or 'same', got '${padding}'.`);
  return spatialPair('Conv2d', padding, 'padding', 0);
}
