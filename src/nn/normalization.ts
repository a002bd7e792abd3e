import { full } from '../creation.js';
import { batchNorm, layerNorm } from '../ops/norm.js';
import { formatShape } from '../shape-util.js';
import type { Tensor } from '../tensor.js';
import { CountBuffer } from './count-buffer.js';
import { constant_ } from './init.js';
import { Module } from './module.js';
import { pythonBool, pythonFloat, pythonTuple } from './repr.js';
import { checkBoolean, checkOptions, checkShapeArg, checkTensor } from '../check-args.js';

export interface BatchNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /**
   * Weight of each batch's statistics in the running ones (default 0.1); null keeps a plain
   * cumulative average over all batches seen, as PyTorch's momentum=None.
   */
  momentum?: number | null;
  /** Learn a per-channel scale (weight) and shift (bias) (default true). */
  affine?: boolean;
  /**
   * Keep running statistics for eval mode (default true). Without them the layer always
   * normalizes with the batch's own statistics, in eval mode too.
   */
  trackRunningStats?: boolean;
}

interface InputLayout {
  ranks: readonly number[];
  description: string;
}

/**
 * What BatchNorm1d and BatchNorm2d share, as PyTorch's _BatchNorm: per-channel normalization
 * with the batch's statistics in training mode (updating the running ones) and the running
 * statistics after eval(). Parameters weight (ones) and bias (zeros); buffers running_mean
 * (zeros), running_var (ones) and num_batches_tracked (the count of training steps).
 */
export abstract class BatchNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  /** A one-element tensor (shape [], as in PyTorch's state dicts) counting forward passes in training mode. */
  readonly numBatchesTracked: Tensor | null;
  // The exact count behind numBatchesTracked, which as float32 would stop counting at 2^24.
  private readonly batchCount: CountBuffer | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  protected constructor(private readonly layout: InputLayout, readonly numFeatures: number, options: BatchNormOptions) {
    super();
    options = checkOptions<BatchNormOptions>(new.target.name, options) as BatchNormOptions;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    this.checkSettings();
    const channels = [numFeatures];
    this.weight = this.affine ? this.registerParameter('weight', full(channels, 1)) : null;
    this.bias = this.affine ? this.registerParameter('bias', full(channels, 0)) : null;
    this.runningMean = this.trackRunningStats ? this.registerBuffer('running_mean', full(channels, 0)) : null;
    this.runningVar = this.trackRunningStats ? this.registerBuffer('running_var', full(channels, 1)) : null;
    this.batchCount = this.trackRunningStats ? new CountBuffer() : null;
    this.numBatchesTracked = this.batchCount ? this.registerBuffer('num_batches_tracked', this.batchCount.tensor) : null;
  }

  /** Running mean 0, running variance 1, no batches seen. */
  resetRunningStats(): void {
    if (this.runningMean) constant_(this.runningMean, 0);
    if (this.runningVar) constant_(this.runningVar, 1);
    this.batchCount?.set(0);
  }

  /** The running statistics reset, weight 1 and bias 0. */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) constant_(this.weight, 1);
    if (this.bias) constant_(this.bias, 0);
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    const updating = this.training && this.batchCount !== null;
    const batchesSeen = updating ? this.batchCount!.get() + 1 : 0;
    const out = batchNorm(x, this.runningMean, this.runningVar, {
      weight: this.weight,
      bias: this.bias,
      training: this.training || this.runningMean === null,
      momentum: this.momentum ?? (updating ? 1 / batchesSeen : 0),
      eps: this.eps,
    });
    if (updating) this.batchCount!.set(batchesSeen);
    return out;
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pythonFloat(this.momentum);
    return `${this.numFeatures}, eps=${pythonFloat(this.eps)}, momentum=${momentum}, affine=${pythonBool(this.affine)}, track_running_stats=${pythonBool(this.trackRunningStats)}`;
  }

  private checkSettings(): void {
    const name = this.constructor.name;
    if (!Number.isInteger(this.numFeatures) || this.numFeatures < 1) {
      throw new Error(`simdgrad: ${name}: numFeatures must be a positive integer (the number of channels C), got ${this.numFeatures}.`);
    }
    checkEps(name, this.eps);
    if (this.momentum !== null && !(this.momentum >= 0 && this.momentum <= 1)) {
      throw new Error(`simdgrad: ${name}: momentum must be a number in [0, 1] or null (a cumulative average), got ${this.momentum}.`);
    }
  }

  // Checked here because the functional op would blame running_mean's shape for a wrong channel count.
  private checkInput(x: Tensor): void {
    checkTensor(this.constructor.name, 'input', x);
    const where = `simdgrad: ${this.constructor.name}(${this.numFeatures})`;
    if (!this.layout.ranks.includes(x.ndim)) {
      throw new Error(`${where}: expected ${this.layout.description}, got ${formatShape(x.shape)}.`);
    }
    const channels = x.shape[1]!;
    if (channels !== this.numFeatures) {
      throw new Error(`${where}: expected input with ${this.numFeatures} channels (dimension 1), got ${formatShape(x.shape)}; build the layer with numFeatures ${channels} or check the layer before it.`);
    }
  }
}

/** Batch normalization of [N, C] or [N, C, L] input, as torch.nn.BatchNorm1d. */
export class BatchNorm1d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super({ ranks: [2, 3], description: 'a 2-D input [N, C] or a 3-D input [N, C, L]' }, numFeatures, options);
    options = checkOptions<BatchNormOptions>('BatchNorm1d', options) as BatchNormOptions;
  }
}

/** Batch normalization of [N, C, H, W] input, per channel over N, H and W, as torch.nn.BatchNorm2d. */
export class BatchNorm2d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super({ ranks: [4], description: 'a 4-D input [N, C, H, W]; use BatchNorm1d for [N, C] or [N, C, L]' }, numFeatures, options);
    options = checkOptions<BatchNormOptions>('BatchNorm2d', options) as BatchNormOptions;
  }
}

export interface LayerNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Learn an elementwise weight (ones) and bias (zeros) of the normalized shape (default true). */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, also learn the bias (default true); false keeps only the weight. */
  bias?: boolean;
}

/**
 * Normalizes each sample over its last dimensions (normalizedShape), as torch.nn.LayerNorm:
 * the same in training and eval mode, with no running statistics.
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly eps: number;
  readonly elementwiseAffine: boolean;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    options = checkOptions<LayerNormOptions>('LayerNorm', options) as LayerNormOptions;
    this.normalizedShape = Object.freeze(typeof normalizedShape === 'number' ? [normalizedShape] : checkShapeArg('LayerNorm', 'normalizedShape', normalizedShape));
    if (this.normalizedShape.length === 0 || !this.normalizedShape.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new Error(`simdgrad: LayerNorm: normalizedShape must be a positive integer or a non-empty list of them (the trailing dimensions to normalize over), got ${JSON.stringify(normalizedShape)}.`);
    }
    this.eps = options.eps ?? 1e-5;
    checkEps('LayerNorm', this.eps);
    this.elementwiseAffine = checkBoolean('LayerNorm', 'elementwiseAffine', options.elementwiseAffine) ?? true;
    const bias = checkBoolean('LayerNorm', 'bias', options.bias) ?? true;
    this.weight = this.elementwiseAffine ? this.registerParameter('weight', full(this.normalizedShape, 1)) : null;
    this.bias = this.elementwiseAffine && bias ? this.registerParameter('bias', full(this.normalizedShape, 0)) : null;
  }

  /** Weight 1 and bias 0. */
  resetParameters(): void {
    if (this.weight) constant_(this.weight, 1);
    if (this.bias) constant_(this.bias, 0);
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${pythonTuple(this.normalizedShape)}, eps=${pythonFloat(this.eps)}, elementwise_affine=${pythonBool(this.elementwiseAffine)}`;
  }
}

function checkEps(layer: string, eps: number): void {
  if (!(Number.isFinite(eps) && eps >= 0)) throw new Error(`simdgrad: ${layer}: eps must be a finite number >= 0, got ${eps}.`);
}
