import { kernels } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { checkBoolean, checkLr, checkNonNegative, checkRate } from './hyper-parameters.js';
import { Optimizer, type OptimizerParams, type OptimizerSpec } from './optimizer.js';
import type { ParamState } from './param-state.js';
import type { TensorTable } from './tensor-table.js';
import { checkOptions } from '../check-args.js';

export interface AdadeltaHyperParameters {
  /** Scale of each update (Adadelta needs none, hence the default 1.0). */
  lr: number;
  /** Decay rate of the running averages of the squared gradient and the squared update. Default 0.9. */
  rho: number;
  /** Added inside both square roots for numerical stability. Default 1e-6. */
  eps: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Maximize the objective instead of minimizing it. Default false. */
  maximize: boolean;
}

export type AdadeltaOptions = Partial<AdadeltaHyperParameters>;

const ADADELTA_SPEC: OptimizerSpec<AdadeltaHyperParameters> = {
  name: 'Adadelta',
  defaults: { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false },
  buffers: ['squareAvg', 'accDelta'],
  entryWords: 5,
  validate(h) {
    checkLr('Adadelta', h.lr);
    checkRate('Adadelta', 'rho', h.rho, true);
    checkNonNegative('Adadelta', 'eps', h.eps);
    checkNonNegative('Adadelta', 'weightDecay', h.weightDecay);
    checkBoolean('Adadelta', 'maximize', h.maximize);
  },
};

/**
 * Adadelta, as torch.optim.Adadelta: `g = grad + weightDecay·p`; `v = ρ·v + (1 − ρ)·g²`;
 * `Δ = √(a + eps)/√(v + eps)·g`; `a = ρ·a + (1 − ρ)·Δ²`; `p −= lr·Δ`.
 */
export class Adadelta extends Optimizer<AdadeltaHyperParameters> {
  constructor(params: OptimizerParams<AdadeltaHyperParameters>, options: AdadeltaOptions = {}) {
    super(ADADELTA_SPEC, params, options);
    options = checkOptions<AdadeltaOptions>('Adadelta', options) as AdadeltaOptions;
  }

  protected writeEntry(table: TensorTable, param: Tensor, grad: Tensor, state: ParamState): void {
    table.pointer(param);
    table.pointer(grad);
    table.pointer(state.buffer('squareAvg', param));
    table.pointer(state.buffer('accDelta', param));
    table.integer(param.size);
  }

  protected updateTensors(table: number, count: number, elements: number, h: AdadeltaHyperParameters): void {
    kernels().adadeltaStepTensors(table, count, h.lr, h.maximize ? -1 : 1, h.weightDecay, h.rho, 1 - h.rho, h.eps, 0, elements);
  }
}
