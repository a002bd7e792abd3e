import { kernels } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { checkBetas, checkBoolean, checkLr, checkNonNegative } from './hyper-parameters.js';
import { Optimizer, type OptimizerParams, type OptimizerSpec } from './optimizer.js';
import type { ParamState } from './param-state.js';
import type { TensorTable } from './tensor-table.js';
import { checkOptions } from '../check-args.js';

export interface RAdamHyperParameters {
  /** Learning rate. Default 1e-3. */
  lr: number;
  /** Decay rates of the running averages of the gradient and of its square. Default [0.9, 0.999]. */
  betas: readonly [number, number];
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps: number;
  /** L2 penalty added to the gradient, or with decoupledWeightDecay the weights' decay. Default 0. */
  weightDecay: number;
  /** Decay the weights as AdamW does (p *= 1 − lr·weightDecay) instead of adding L2 to the gradient. Default false. */
  decoupledWeightDecay: boolean;
  /** Maximize the objective instead of minimizing it. Default false. */
  maximize: boolean;
}

export type RAdamOptions = Partial<RAdamHyperParameters>;

const RADAM_SPEC: OptimizerSpec<RAdamHyperParameters> = {
  name: 'RAdam',
  defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false },
  buffers: ['expAvg', 'expAvgSq'],
  entryWords: 7,
  validate(h) {
    checkLr('RAdam', h.lr);
    checkBetas('RAdam', h.betas);
    checkNonNegative('RAdam', 'eps', h.eps);
    checkNonNegative('RAdam', 'weightDecay', h.weightDecay);
    checkBoolean('RAdam', 'decoupledWeightDecay', h.decoupledWeightDecay);
    checkBoolean('RAdam', 'maximize', h.maximize);
  },
};

/**
 * RAdam, Adam with the variance of its adaptive step rectified, as torch.optim.RAdam:
 * `g = grad + weightDecay·p`; m and v as Adam; `m̂ = m / (1 − β1^t)`; with `ρ∞ = 2/(1 − β2) − 1`
 * and `ρ_t = ρ∞ − 2t·β2^t/(1 − β2^t)`: while ρ_t ≤ 5, `p −= lr·m̂` (momentum SGD); after,
 * `p −= lr·m̂·r·√(1 − β2^t)/(√v + eps)` with `r = √((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t))`.
 */
export class RAdam extends Optimizer<RAdamHyperParameters> {
  constructor(params: OptimizerParams<RAdamHyperParameters>, options: RAdamOptions = {}) {
    super(RADAM_SPEC, params, options);
    options = checkOptions<RAdamOptions>('RAdam', options) as RAdamOptions;
  }

  protected writeEntry(table: TensorTable, param: Tensor, grad: Tensor, state: ParamState, h: RAdamHyperParameters): void {
    const [beta1, beta2] = h.betas;
    const t = state.step;
    const biasCorrection2 = 1 - beta2 ** t;
    const rhoInf = 2 / (1 - beta2) - 1;
    const rho = rhoInf - (2 * t * beta2 ** t) / biasCorrection2;
    const momentumStep = h.lr / (1 - beta1 ** t);
    const adaptive = rho > 5;
    table.pointer(param);
    table.pointer(grad);
    table.pointer(state.buffer('expAvg', param));
    table.pointer(state.buffer('expAvgSq', param));
    table.integer(param.size);
    table.integer(adaptive ? 1 : 0);
    if (adaptive) {
      const rectification = Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho));
      table.float(momentumStep * rectification * Math.sqrt(biasCorrection2));
    } else {
      table.float(momentumStep);
    }
  }

  protected updateTensors(table: number, count: number, elements: number, h: RAdamHyperParameters): void {
    const [beta1, beta2] = h.betas;
    const decoupled = h.decoupledWeightDecay;
    kernels().radamStepTensors(
      table, count, h.maximize ? -1 : 1,
      decoupled ? 0 : h.weightDecay, decoupled ? 1 - h.lr * h.weightDecay : 1,
      beta1, 1 - beta1, beta2, 1 - beta2, h.eps,
      0, elements,
    );
  }
}
