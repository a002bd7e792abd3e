import { kernels } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { checkBetas, checkBoolean, checkLr, checkNonNegative } from './hyper-parameters.js';
import { Optimizer, type OptimizerParams, type OptimizerSpec } from './optimizer.js';
import type { ParamState } from './param-state.js';
import type { TensorTable } from './tensor-table.js';
import { checkOptions } from '../check-args.js';

export interface AdamHyperParameters {
  /** Learning rate. Default 1e-3. */
  lr: number;
  /** Decay rates of the running averages of the gradient and of its square. Default [0.9, 0.999]. */
  betas: readonly [number, number];
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps: number;
  /** Adam: L2 penalty added to the gradient, default 0. AdamW: decoupled decay of the weights, default 1e-2. */
  weightDecay: number;
  /** Use the maximum of past squared-gradient averages (AMSGrad). Default false. */
  amsgrad: boolean;
  /** Maximize the objective instead of minimizing it. Default false. */
  maximize: boolean;
}

export type AdamOptions = Partial<AdamHyperParameters>;

/** @internal Adam's and AdamW's hyper-parameters, checks and state, with the defaults that differ. */
export function adamSpec(name: string, weightDecay: number): OptimizerSpec<AdamHyperParameters> {
  return {
    name,
    defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay, amsgrad: false, maximize: false },
    buffers: ['expAvg', 'expAvgSq', 'maxExpAvgSq'],
    entryWords: 8,
    validate(h) {
      checkLr(name, h.lr);
      checkBetas(name, h.betas);
      checkNonNegative(name, 'eps', h.eps);
      checkNonNegative(name, 'weightDecay', h.weightDecay);
      checkBoolean(name, 'amsgrad', h.amsgrad);
      checkBoolean(name, 'maximize', h.maximize);
    },
  };
}

/** @internal One parameter's entry of adamStepTensors' table: its buffers and step-dependent coefficients. */
export function writeAdamEntry(table: TensorTable, param: Tensor, grad: Tensor, state: ParamState, h: AdamHyperParameters): void {
  table.pointer(param);
  table.pointer(grad);
  table.pointer(state.buffer('expAvg', param));
  table.pointer(state.buffer('expAvgSq', param));
  table.pointer(h.amsgrad ? state.buffer('maxExpAvgSq', param) : null);
  table.integer(param.size);
  table.float(h.lr / (1 - h.betas[0] ** state.step));
  table.float(Math.sqrt(1 - h.betas[1] ** state.step));
}

/**
 * @internal One Adam update of a param group. Weight decay is added to the gradient (Adam's L2)
 * or, when `decoupled`, applied to the parameter as `p *= 1 − lr·weightDecay` first (AdamW).
 */
export function adamUpdateTensors(table: number, count: number, elements: number, h: AdamHyperParameters, decoupled: boolean): void {
  const [beta1, beta2] = h.betas;
  kernels().adamStepTensors(
    table, count,
    h.maximize ? -1 : 1,
    decoupled ? 0 : h.weightDecay,
    decoupled ? 1 - h.lr * h.weightDecay : 1,
    beta1, 1 - beta1, beta2, 1 - beta2, h.eps,
    0, elements,
  );
}

/**
 * Adam, as torch.optim.Adam: `g = grad + weightDecay·p`; `m = β1·m + (1 − β1)·g`;
 * `v = β2·v + (1 − β2)·g²`; `p −= lr·(m / (1 − β1^t)) / (√(v / (1 − β2^t)) + eps)`, with
 * AMSGrad using the running maximum of v.
 */
export class Adam extends Optimizer<AdamHyperParameters> {
  constructor(params: OptimizerParams<AdamHyperParameters>, options: AdamOptions = {}) {
    super(adamSpec('Adam', 0), params, options);
    options = checkOptions<AdamOptions>('Adam', options) as AdamOptions;
  }

  protected writeEntry(table: TensorTable, param: Tensor, grad: Tensor, state: ParamState, h: AdamHyperParameters): void {
    writeAdamEntry(table, param, grad, state, h);
  }

  protected updateTensors(table: number, count: number, elements: number, h: AdamHyperParameters): void {
    adamUpdateTensors(table, count, elements, h, false);
  }
}
