import { conv1d, type Conv1dOptions as FunctionalConv1dOptions } from '../ops/conv1d.js';
import { formatShape } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { checkChannels } from './conv.js';
import { resetWeightAndBias_ } from './init.js';
import { Module } from './module.js';
import { pythonTuple, pythonValue } from './repr.js';
import { checkInteger, checkOptions, checkTensor } from '../check-args.js';

export interface Conv1dOptions extends FunctionalConv1dOptions {
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
}

/**
 * 1-D convolution over [N, C, L] input, as torch.nn.Conv1d: weight
 * [outChannels, inChannels / groups, kernelSize], bias [outChannels]; padding may also be
 * 'valid' (none) or 'same' (stride 1 only).
 */
export class Conv1d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number | 'same' | 'valid';
  readonly dilation: number;
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: number, options: Conv1dOptions = {}) {
    super();
    options = checkOptions<Conv1dOptions>('Conv1d', options) as Conv1dOptions;
    this.groups = options.groups ?? 1;
    checkChannels('Conv1d', inChannels, outChannels, this.groups);
    this.kernelSize = checkInteger('Conv1d', 'kernelSize', kernelSize, 1);
    this.stride = checkInteger('Conv1d', 'stride', options.stride ?? 1, 1);
    this.dilation = checkInteger('Conv1d', 'dilation', options.dilation ?? 1, 1);
    this.padding = resolvePadding(options.padding ?? 0, this.stride);
    this.weight = this.registerParameter('weight', Tensor.empty([outChannels, inChannels / this.groups, this.kernelSize]));
    this.bias = (options.bias ?? true) ? this.registerParameter('bias', Tensor.empty([outChannels])) : null;
    this.resetParameters();
  }

  /** PyTorch's default: weight and bias from U(-1/√fanIn, 1/√fanIn), fanIn = inChannels / groups · kernelSize. */
  resetParameters(): void {
    resetWeightAndBias_(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    checkTensor('Conv1d', 'input', x);
    const where = (): string => `simdgrad: ${this.toString()}`;
    if (x.ndim !== 3) throw new Error(`${where()}: expected a 3-D input [N, C, L], got ${formatShape(x.shape)}; add a batch dimension with reshape([1, ...shape]) for a single sequence.`);
    if (x.shape[1] !== this.inChannels) {
      throw new Error(`${where()}: expected input with ${this.inChannels} channels, got ${formatShape(x.shape)}; feed [N, ${this.inChannels}, L] or build the layer as Conv1d(${x.shape[1]}, ${this.outChannels}, ...).`);
    }
    return conv1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  override extraRepr(): string {
    const parts = [`${this.inChannels}, ${this.outChannels}, kernel_size=${pythonTuple([this.kernelSize])}, stride=${pythonTuple([this.stride])}`];
    if (typeof this.padding === 'string') parts.push(`padding=${pythonValue(this.padding)}`);
    else if (this.padding !== 0) parts.push(`padding=${pythonTuple([this.padding])}`);
    if (this.dilation !== 1) parts.push(`dilation=${pythonTuple([this.dilation])}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (!this.bias) parts.push('bias=False');
    return parts.join(', ');
  }
}

function resolvePadding(padding: NonNullable<FunctionalConv1dOptions['padding']>, stride: number): number | 'same' | 'valid' {
  if (padding === 'valid') return padding;
  if (padding === 'same') {
    if (stride !== 1) throw new Error(`simdgrad: Conv1d: padding 'same' needs stride 1, got stride ${stride}; give explicit padding for a strided convolution.`);
    return padding;
  }
  if (typeof padding === 'string') throw new Error(`simdgrad: Conv1d: padding must be a non-negative integer, 'valid' or 'same', got '${padding}'.`);
  return checkInteger('Conv1d', 'padding', padding, 0);
}
