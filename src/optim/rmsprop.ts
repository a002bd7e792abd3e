import { kernels } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { checkBoolean, checkLr, checkNonNegative, checkRate } from './hyper-parameters.js';
import { Optimizer, type OptimizerParams, type OptimizerSpec } from './optimizer.js';
import type { ParamState } from './param-state.js';
import type { TensorTable } from './tensor-table.js';
import { checkOptions } from '../check-args.js';

export interface RMSpropHyperParameters {
  /** Learning rate. Default 1e-2. */
  lr: number;
  /** Smoothing constant of the running average of the squared gradient. Default 0.99. */
  alpha: number;
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Momentum factor. Default 0. */
  momentum: number;
  /** Normalize by the gradient's estimated variance instead of its second moment. Default false. */
  centered: boolean;
  /** Maximize the objective instead of minimizing it. Default false. */
  maximize: boolean;
}

export type RMSpropOptions = Partial<RMSpropHyperParameters>;

const RMSPROP_SPEC: OptimizerSpec<RMSpropHyperParameters> = {
  name: 'RMSprop',
  defaults: { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false },
  buffers: ['squareAvg', 'gradAvg', 'momentumBuffer'],
  entryWords: 6,
  validate(h) {
    checkLr('RMSprop', h.lr);
    checkRate('RMSprop', 'alpha', h.alpha, true);
    checkNonNegative('RMSprop', 'eps', h.eps);
    checkNonNegative('RMSprop', 'weightDecay', h.weightDecay);
    checkNonNegative('RMSprop', 'momentum', h.momentum);
    checkBoolean('RMSprop', 'centered', h.centered);
    checkBoolean('RMSprop', 'maximize', h.maximize);
  },
};

/**
 * RMSprop, as torch.optim.RMSprop: `g = grad + weightDecay·p`; `v = α·v + (1 − α)·g²`; the
 * denominator is `√v + eps`, or `√(v − ḡ²) + eps` when centered (ḡ the running mean of g);
 * `p −= lr·g / denominator`, or through a momentum buffer `buf = momentum·buf + g / denominator`.
 */
export class RMSprop extends Optimizer<RMSpropHyperParameters> {
  constructor(params: OptimizerParams<RMSpropHyperParameters>, options: RMSpropOptions = {}) {
    super(RMSPROP_SPEC, params, options);
    options = checkOptions<RMSpropOptions>('RMSprop', options) as RMSpropOptions;
  }

  protected writeEntry(table: TensorTable, param: Tensor, grad: Tensor, state: ParamState, h: RMSpropHyperParameters): void {
    table.pointer(param);
    table.pointer(grad);
    table.pointer(state.buffer('squareAvg', param));
    table.pointer(h.centered ? state.buffer('gradAvg', param) : null);
    table.pointer(h.momentum > 0 ? state.buffer('momentumBuffer', param) : null);
    table.integer(param.size);
  }

  protected updateTensors(table: number, count: number, elements: number, h: RMSpropHyperParameters): void {
    kernels().rmspropStepTensors(table, count, h.lr, h.maximize ? -1 : 1, h.weightDecay, h.alpha, 1 - h.alpha, h.eps, h.momentum, 0, elements);
  }
}
