import { adaptiveAvgPool2d, avgPool2d, maxPool2d, type AvgPool2dOptions as FunctionalAvgPool2dOptions, type MaxPool2dOptions as FunctionalMaxPool2dOptions } from '../ops/pool.js';
import { spatialPair, type SpatialSize } from '../ops/window.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';
import { pythonBool, pythonValue } from './repr.js';
import { checkOptions } from '../check-args.js';

export type MaxPool2dOptions = Omit<FunctionalMaxPool2dOptions, 'kernelSize'>;
export type AvgPool2dOptions = Omit<FunctionalAvgPool2dOptions, 'kernelSize'>;
export type AdaptiveSize = number | readonly [number | null, number | null];

/** Max over each window of [N, C, H, W] input, as torch.nn.MaxPool2d; stride defaults to kernelSize. */
export class MaxPool2d extends Module {
  readonly stride: SpatialSize;
  readonly padding: SpatialSize;
  readonly dilation: SpatialSize;
  readonly ceilMode: boolean;

  constructor(readonly kernelSize: SpatialSize, options: MaxPool2dOptions = {}) {
    super();
    options = checkOptions<MaxPool2dOptions>('MaxPool2d', options) as MaxPool2dOptions;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = options.ceilMode ?? false;
    checkSizes('MaxPool2d', { kernelSize, stride: this.stride, padding: this.padding, dilation: this.dilation });
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode });
  }

  override extraRepr(): string {
    return `kernel_size=${pythonValue(this.kernelSize)}, stride=${pythonValue(this.stride)}, padding=${pythonValue(this.padding)}, dilation=${pythonValue(this.dilation)}, ceil_mode=${pythonBool(this.ceilMode)}`;
  }
}

/**
 * Mean over each window of [N, C, H, W] input, as torch.nn.AvgPool2d; stride defaults to
 * kernelSize, and countIncludePad decides whether padding counts in the divisor.
 */
export class AvgPool2d extends Module {
  readonly stride: SpatialSize;
  readonly padding: SpatialSize;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(readonly kernelSize: SpatialSize, options: AvgPool2dOptions = {}) {
    super();
    options = checkOptions<AvgPool2dOptions>('AvgPool2d', options) as AvgPool2dOptions;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    checkSizes('AvgPool2d', { kernelSize, stride: this.stride, padding: this.padding });
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad });
  }

  override extraRepr(): string {
    return `kernel_size=${pythonValue(this.kernelSize)}, stride=${pythonValue(this.stride)}, padding=${pythonValue(this.padding)}`;
  }
}

/**
 * Average pooling of [N, C, H, W] input to a fixed [outH, outW] whatever the input size, as
 * torch.nn.AdaptiveAvgPool2d; null in the pair keeps that input dimension.
 */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize) {
    super();
    const pair = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
    const valid = Array.isArray(pair) && pair.length === 2 && pair.every((v) => v === null || (Number.isInteger(v) && v >= 1));
    if (!valid) {
      throw new Error(`simdgrad: AdaptiveAvgPool2d: outputSize must be a positive integer or a pair [h, w] of them (null keeps the input size), got ${JSON.stringify(outputSize)}.`);
    }
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${pythonValue(this.outputSize)}`;
  }
}

// Checked when the layer is built, so a typo fails where it was written rather than at the first batch.
function checkSizes(layer: string, sizes: { kernelSize: SpatialSize; stride: SpatialSize; padding: SpatialSize; dilation?: SpatialSize }): void {
  spatialPair(layer, sizes.kernelSize, 'kernelSize', 1);
  spatialPair(layer, sizes.stride, 'stride', 1);
  spatialPair(layer, sizes.padding, 'padding', 0);
  if (sizes.dilation !== undefined) spatialPair(layer, sizes.dilation, 'dilation', 1);
}
