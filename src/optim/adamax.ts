import { kernels } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { checkBetas, checkBoolean, checkLr, checkNonNegative } from './hyper-parameters.js';
import { Optimizer, type OptimizerParams, type OptimizerSpec } from './optimizer.js';
import type { ParamState } from './param-state.js';
import type { TensorTable } from './tensor-table.js';
import { checkOptions } from '../check-args.js';

export interface AdamaxHyperParameters {
  /** Learning rate. Default 2e-3. */
  lr: number;
  /** Decay rates of the running average of the gradient and of the infinity norm. Default [0.9, 0.999]. */
  betas: readonly [number, number];
  /** Added to |g| in the infinity norm for numerical stability. Default 1e-8. */
  eps: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Maximize the objective instead of minimizing it. Default false. */
  maximize: boolean;
}

export type AdamaxOptions = Partial<AdamaxHyperParameters>;

const ADAMAX_SPEC: OptimizerSpec<AdamaxHyperParameters> = {
  name: 'Adamax',
  defaults: { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false },
  buffers: ['expAvg', 'expInf'],
  entryWords: 6,
  validate(h) {
    checkLr('Adamax', h.lr);
    checkBetas('Adamax', h.betas);
    checkNonNegative('Adamax', 'eps', h.eps);
    checkNonNegative('Adamax', 'weightDecay', h.weightDecay);
    checkBoolean('Adamax', 'maximize', h.maximize);
  },
};

/**
 * Adamax, Adam with the infinity norm, as torch.optim.Adamax: `g = grad + weightDecay·p`;
 * `m = β1·m + (1 − β1)·g`; `u = max(β2·u, |g| + eps)`; `p −= lr / (1 − β1^t) · m / u`.
 */
export class Adamax extends Optimizer<AdamaxHyperParameters> {
  constructor(params: OptimizerParams<AdamaxHyperParameters>, options: AdamaxOptions = {}) {
    super(ADAMAX_SPEC, params, options);
    options = checkOptions<AdamaxOptions>('Adamax', options) as AdamaxOptions;
  }

  protected writeEntry(table: TensorTable, param: Tensor, grad: Tensor, state: ParamState, h: AdamaxHyperParameters): void {
    table.pointer(param);
    table.pointer(grad);
    table.pointer(state.buffer('expAvg', param));
    table.pointer(state.buffer('expInf', param));
    table.integer(param.size);
    table.float(h.lr / (1 - h.betas[0] ** state.step));
  }

  protected updateTensors(table: number, count: number, elements: number, h: AdamaxHyperParameters): void {
    const [beta1, beta2] = h.betas;
    kernels().adamaxStepTensors(table, count, h.maximize ? -1 : 1, h.weightDecay, beta1, 1 - beta1, beta2, h.eps, 0, elements);
  }
}
