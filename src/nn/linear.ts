import { linear, linearRelu } from '../ops/linear.js';
import { Tensor } from '../tensor.js';
import { resetWeightAndBias_ } from './init.js';
import { Module } from './module.js';
import { pythonBool } from './repr.js';
import { checkOptions } from '../check-args.js';

export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/** y = x Wᵀ + b, as torch.nn.Linear: weight [outFeatures, inFeatures], bias [outFeatures]. */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: LinearOptions = {}) {
    super();
    options = checkOptions<LinearOptions>('Linear', options) as LinearOptions;
    for (const [name, value] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(value) || value < 0) throw new Error(`simdgrad: Linear: ${name} must be a non-negative integer, got ${value}.`);
    }
    this.weight = this.registerParameter('weight', Tensor.empty([outFeatures, inFeatures]));
    this.bias = (options.bias ?? true) ? this.registerParameter('bias', Tensor.empty([outFeatures])) : null;
    this.resetParameters();
  }

  /** PyTorch's default: weight and bias from U(-1/√inFeatures, 1/√inFeatures). */
  resetParameters(): void {
    resetWeightAndBias_(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  /** @internal relu(forward(x)) as one op: what Sequential runs for Linear followed by ReLU. */
  forwardRelu(x: Tensor): Tensor {
    return linearRelu(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pythonBool(this.bias !== null)}`;
  }
}

/** Returns its input unchanged, as torch.nn.Identity: a placeholder where a layer is optional. */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
