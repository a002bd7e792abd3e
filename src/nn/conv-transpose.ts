import { convTranspose2d, type ConvTranspose2dOptions as FunctionalOptions } from '../ops/conv-transpose.js';
import { spatialPair, type SpatialSize } from '../ops/window.js';
import { formatShape } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { checkChannels } from './conv.js';
import { resetWeightAndBias_ } from './init.js';
import { Module } from './module.js';
import { pythonTuple } from './repr.js';
import { checkOptions, checkTensor } from '../check-args.js';

export interface ConvTranspose2dOptions extends FunctionalOptions {
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
}

/**
 * 2-D transposed convolution (a learned upsampling) over [N, C, H, W] input, as
 * torch.nn.ConvTranspose2d: weight [inChannels, outChannels / groups, kh, kw], bias
 * [outChannels]. Sizes are one number for both dimensions or a pair [h, w].
 */
export class ConvTranspose2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: SpatialSize, options: ConvTranspose2dOptions = {}) {
    super();
    options = checkOptions<ConvTranspose2dOptions>('ConvTranspose2d', options) as ConvTranspose2dOptions;
    this.groups = options.groups ?? 1;
    checkChannels('ConvTranspose2d', inChannels, outChannels, this.groups);
    this.kernelSize = spatialPair('ConvTranspose2d', kernelSize, 'kernelSize', 1);
    this.stride = spatialPair('ConvTranspose2d', options.stride ?? 1, 'stride', 1);
    this.padding = spatialPair('ConvTranspose2d', options.padding ?? 0, 'padding', 0);
    this.outputPadding = spatialPair('ConvTranspose2d', options.outputPadding ?? 0, 'outputPadding', 0);
    this.dilation = spatialPair('ConvTranspose2d', options.dilation ?? 1, 'dilation', 1);
    for (const d of [0, 1]) {
      if (this.outputPadding[d]! >= this.stride[d]! && this.outputPadding[d]! >= this.dilation[d]!) {
        throw new Error(`simdgrad: ConvTranspose2d: outputPadding ${pythonTuple(this.outputPadding)} must be smaller than stride ${pythonTuple(this.stride)} or dilation ${pythonTuple(this.dilation)} in each dimension.`);
      }
    }
    const [kernelH, kernelW] = this.kernelSize;
    this.weight = this.registerParameter('weight', Tensor.empty([inChannels, outChannels / this.groups, kernelH, kernelW]));
    this.bias = (options.bias ?? true) ? this.registerParameter('bias', Tensor.empty([outChannels])) : null;
    this.resetParameters();
  }

  /** PyTorch's default: weight and bias from U(-1/√fanIn, 1/√fanIn), fanIn = outChannels / groups · kh · kw (the weight's second dimension). */
  resetParameters(): void {
    resetWeightAndBias_(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    checkTensor('ConvTranspose2d', 'input', x);
    const where = (): string => `simdgrad: ${this.toString()}`;
    if (x.ndim !== 4) throw new Error(`${where()}: expected a 4-D input [N, C, H, W], got ${formatShape(x.shape)}; add a batch dimension with reshape([1, ...shape]) for a single image.`);
    if (x.shape[1] !== this.inChannels) {
      throw new Error(`${where()}: expected input with ${this.inChannels} channels, got ${formatShape(x.shape)}; feed [N, ${this.inChannels}, H, W] or build the layer as ConvTranspose2d(${x.shape[1]}, ${this.outChannels}, ...).`);
    }
    return convTranspose2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, outputPadding: this.outputPadding, dilation: this.dilation, groups: this.groups });
  }

  override extraRepr(): string {
    const parts = [`${this.inChannels}, ${this.outChannels}, kernel_size=${pythonTuple(this.kernelSize)}, stride=${pythonTuple(this.stride)}`];
    if (this.padding.some((p) => p !== 0)) parts.push(`padding=${pythonTuple(this.padding)}`);
    if (this.dilation.some((d) => d !== 1)) parts.push(`dilation=${pythonTuple(this.dilation)}`);
    if (this.outputPadding.some((p) => p !== 0)) parts.push(`output_padding=${pythonTuple(this.outputPadding)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (!this.bias) parts.push('bias=False');
    return parts.join(', ');
  }
}
