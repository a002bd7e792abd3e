import { full } from '../creation.js';
import { groupNorm } from '../ops/group-norm.js';
import { formatShape } from '../shape-util.js';
import type { Tensor } from '../tensor.js';
import { constant_ } from './init.js';
import { Module } from './module.js';
import { pythonBool, pythonFloat } from './repr.js';
import { checkBoolean, checkInteger, checkNumber, checkOptions, checkTensor } from '../check-args.js';

export interface GroupNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Learn a per-channel weight (initially 1) and bias (initially 0) (default true). */
  affine?: boolean;
}

/**
 * Group normalization over [N, C, *] input, as torch.nn.GroupNorm: the C = numChannels channels
 * split into numGroups groups, each normalized per sample over its channels and positions.
 * Independent of the batch size, so it behaves the same in training and eval.
 */
export class GroupNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly eps: number;
  readonly affine: boolean;

  constructor(readonly numGroups: number, readonly numChannels: number, options: GroupNormOptions = {}) {
    super();
    options = checkOptions<GroupNormOptions>('GroupNorm', options) as GroupNormOptions;
    checkInteger('GroupNorm', 'numGroups', numGroups, 1);
    checkInteger('GroupNorm', 'numChannels', numChannels, 1);
    if (numChannels % numGroups !== 0) throw new Error(`simdgrad: GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups}).`);
    this.eps = checkNumber('GroupNorm', 'eps', options.eps ?? 1e-5, { min: 0 });
    this.affine = checkBoolean('GroupNorm', 'affine', options.affine) ?? true;
    this.weight = this.affine ? this.registerParameter('weight', full([numChannels], 1)) : null;
    this.bias = this.affine ? this.registerParameter('bias', full([numChannels], 0)) : null;
  }

  /** Weight 1 and bias 0. */
  resetParameters(): void {
    if (this.weight) constant_(this.weight, 1);
    if (this.bias) constant_(this.bias, 0);
  }

  forward(x: Tensor): Tensor {
    checkTensor('GroupNorm', 'input', x);
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      throw new Error(`simdgrad: ${this.toString()}: expected input [N, ${this.numChannels}, ...], got ${formatShape(x.shape)}.`);
    }
    return groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pythonFloat(this.eps)}, affine=${pythonBool(this.affine)}`;
  }
}
