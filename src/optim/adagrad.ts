import { kernels } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { checkBoolean, checkLr, checkNonNegative } from './hyper-parameters.js';
import { Optimizer, type OptimizerParams, type OptimizerSpec } from './optimizer.js';
import type { ParamState } from './param-state.js';
import type { TensorTable } from './tensor-table.js';
import { checkOptions } from '../check-args.js';

export interface AdagradHyperParameters {
  /** Learning rate. Default 1e-2. */
  lr: number;
  /** Learning-rate decay: step t uses lr / (1 + (t - 1)·lrDecay). Default 0. */
  lrDecay: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Starting value of the sum of squared gradients. Default 0. */
  initialAccumulatorValue: number;
  /** Added to the denominator for numerical stability. Default 1e-10. */
  eps: number;
  /** Maximize the objective instead of minimizing it. Default false. */
  maximize: boolean;
}

export type AdagradOptions = Partial<AdagradHyperParameters>;

const ADAGRAD_SPEC: OptimizerSpec<AdagradHyperParameters> = {
  name: 'Adagrad',
  defaults: { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false },
  buffers: ['sum'],
  entryWords: 5,
  validate(h) {
    checkLr('Adagrad', h.lr);
    checkNonNegative('Adagrad', 'lrDecay', h.lrDecay);
    checkNonNegative('Adagrad', 'weightDecay', h.weightDecay);
    checkNonNegative('Adagrad', 'initialAccumulatorValue', h.initialAccumulatorValue);
    checkNonNegative('Adagrad', 'eps', h.eps);
    checkBoolean('Adagrad', 'maximize', h.maximize);
  },
};

/**
 * Adagrad, as torch.optim.Adagrad: `g = grad + weightDecay·p`; `s += g²` (s starts at
 * initialAccumulatorValue); `p −= lr / (1 + (t − 1)·lrDecay) · g / (√s + eps)`.
 */
export class Adagrad extends Optimizer<AdagradHyperParameters> {
  constructor(params: OptimizerParams<AdagradHyperParameters>, options: AdagradOptions = {}) {
    super(ADAGRAD_SPEC, params, options);
    options = checkOptions<AdagradOptions>('Adagrad', options) as AdagradOptions;
  }

  protected writeEntry(table: TensorTable, param: Tensor, grad: Tensor, state: ParamState, h: AdagradHyperParameters): void {
    table.pointer(param);
    table.pointer(grad);
    table.pointer(state.buffer('sum', param, h.initialAccumulatorValue));
    table.integer(param.size);
    table.float(h.lr / (1 + (state.step - 1) * h.lrDecay));
  }

  protected updateTensors(table: number, count: number, elements: number, h: AdagradHyperParameters): void {
    kernels().adagradStepTensors(table, count, h.maximize ? -1 : 1, h.weightDecay, h.eps, 0, elements);
  }
}
