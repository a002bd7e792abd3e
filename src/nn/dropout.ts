import { dropout } from '../ops/dropout.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';
import { pythonFloat } from './repr.js';

/**
 * In training mode, zeroes each element with probability p and scales the rest by 1 / (1 - p),
 * as torch.nn.Dropout; after eval() it returns its input unchanged.
 */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`simdgrad: Dropout: the probability p must be between 0 and 1, got ${p}.`);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, { p: this.p, training: this.training });
  }

  // inplace is always False: simdgrad's dropout never overwrites its input.
  override extraRepr(): string {
    return `p=${pythonFloat(this.p)}, inplace=False`;
  }
}
