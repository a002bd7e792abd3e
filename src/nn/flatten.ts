import { flatten } from '../ops/shape.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

/**
 * Merges dimensions startDim..endDim into one, as torch.nn.Flatten. The default startDim of 1
 * keeps the batch dimension: [N, C, H, W] becomes [N, C·H·W].
 */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
