import { interpolate, resolveInterpolateOptions, type InterpolateOptions } from '../ops/interpolate.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';
import { pythonFloat, pythonString, pythonTuple } from './repr.js';
import { checkTensor } from '../check-args.js';

export type UpsampleOptions = InterpolateOptions;

/**
 * Resizes [N, C, H, W] images, as torch.nn.Upsample: F.interpolate with the settings given at
 * construction (a size or a scaleFactor; mode 'nearest' by default, 'nearest-exact' or 'bilinear').
 */
export class Upsample extends Module {
  readonly size: number | readonly [number, number] | null;
  readonly scaleFactor: number | readonly [number, number] | null;
  readonly mode: NonNullable<InterpolateOptions['mode']>;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;

  constructor(options: UpsampleOptions) {
    super();
    resolveInterpolateOptions('Upsample', options);
    this.size = options.size ?? null;
    this.scaleFactor = options.scaleFactor ?? null;
    this.mode = options.mode ?? 'nearest';
    this.alignCorners = options.alignCorners ?? null;
    this.recomputeScaleFactor = options.recomputeScaleFactor ?? null;
  }

  forward(x: Tensor): Tensor {
    checkTensor('Upsample', 'input', x);
    return interpolate(x, this.interpolateOptions());
  }

  override extraRepr(): string {
    const mode = `mode=${pythonString(this.mode)}`;
    if (this.scaleFactor !== null) {
      const scale = typeof this.scaleFactor === 'number' ? pythonFloat(this.scaleFactor) : `(${this.scaleFactor.map(pythonFloat).join(', ')})`;
      return `scale_factor=${scale}, ${mode}`;
    }
    return `size=${typeof this.size === 'number' ? this.size : pythonTuple(this.size!)}, ${mode}`;
  }

  private interpolateOptions(): InterpolateOptions {
    return {
      size: this.size ?? undefined, scaleFactor: this.scaleFactor ?? undefined, mode: this.mode,
      alignCorners: this.alignCorners ?? undefined, recomputeScaleFactor: this.recomputeScaleFactor ?? undefined,
    };
  }
}
