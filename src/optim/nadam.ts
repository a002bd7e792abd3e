import { kernels } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { checkBetas, checkBoolean, checkLr, checkNonNegative } from './hyper-parameters.js';
import { nadamMomentum, nadamMuProduct, type MomentumProduct } from './nadam-momentum.js';
import { Optimizer, type OptimizerParams, type OptimizerSpec } from './optimizer.js';
import type { ParamState } from './param-state.js';
import type { TensorTable } from './tensor-table.js';
import { checkOptions } from '../check-args.js';

export interface NAdamHyperParameters {
  /** Learning rate. Default 2e-3. */
  lr: number;
  /** Decay rates of the running averages of the gradient and of its square. Default [0.9, 0.999]. */
  betas: readonly [number, number];
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps: number;
  /** L2 penalty added to the gradient, or with decoupledWeightDecay the weights' decay. Default 0. */
  weightDecay: number;
  /** Schedule of the momentum: μ_t = β1·(1 − 0.5·0.96^(t·momentumDecay)). Default 4e-3. */
  momentumDecay: number;
  /** Decay the weights as AdamW does (p *= 1 − lr·weightDecay) instead of adding L2 to the gradient. Default false. */
  decoupledWeightDecay: boolean;
  /** Maximize the objective instead of minimizing it. Default false. */
  maximize: boolean;
}

export type NAdamOptions = Partial<NAdamHyperParameters>;

const NADAM_SPEC: OptimizerSpec<NAdamHyperParameters> = {
  name: 'NAdam',
  defaults: { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false, maximize: false },
  buffers: ['expAvg', 'expAvgSq'],
  entryWords: 8,
  validate(h) {
    checkLr('NAdam', h.lr);
    checkBetas('NAdam', h.betas);
    checkNonNegative('NAdam', 'eps', h.eps);
    checkNonNegative('NAdam', 'weightDecay', h.weightDecay);
    checkNonNegative('NAdam', 'momentumDecay', h.momentumDecay);
    checkBoolean('NAdam', 'decoupledWeightDecay', h.decoupledWeightDecay);
    checkBoolean('NAdam', 'maximize', h.maximize);
  },
};

/**
 * NAdam, Adam with Nesterov momentum, as torch.optim.NAdam (PyTorch 2.0's rule):
 * `g = grad + weightDecay·p`; m and v as Adam; `d = √(v / (1 − β2^t)) + eps`;
 * `p −= lr·(1 − μ_t)/(1 − Π_t)·g/d + lr·μ_{t+1}/(1 − Π_t·μ_{t+1})·m/d`, with μ_t the momentum
 * schedule and Π_t the product of μ_1..μ_t.
 */
export class NAdam extends Optimizer<NAdamHyperParameters> {
  // The last momentum product per schedule: parameters step together, so each step extends it by
  // one factor instead of multiplying every earlier step's coefficient again.
  private readonly products = new Map<string, MomentumProduct>();

  constructor(params: OptimizerParams<NAdamHyperParameters>, options: NAdamOptions = {}) {
    super(NADAM_SPEC, params, options);
    options = checkOptions<NAdamOptions>('NAdam', options) as NAdamOptions;
  }

  protected writeEntry(table: TensorTable, param: Tensor, grad: Tensor, state: ParamState, h: NAdamHyperParameters): void {
    const [beta1, beta2] = h.betas;
    const t = state.step;
    const mu = nadamMomentum(t, beta1, h.momentumDecay);
    const muNext = nadamMomentum(t + 1, beta1, h.momentumDecay);
    const schedule = `${beta1},${h.momentumDecay}`;
    const product = nadamMuProduct(t, beta1, h.momentumDecay, this.products.get(schedule));
    this.products.set(schedule, { step: t, product });
    table.pointer(param);
    table.pointer(grad);
    table.pointer(state.buffer('expAvg', param));
    table.pointer(state.buffer('expAvgSq', param));
    table.integer(param.size);
    table.float((h.lr * (1 - mu)) / (1 - product));
    table.float((h.lr * muNext) / (1 - product * muNext));
    table.float(Math.sqrt(1 - beta2 ** t));
  }

  protected updateTensors(table: number, count: number, elements: number, h: NAdamHyperParameters): void {
    const [beta1, beta2] = h.betas;
    const decoupled = h.decoupledWeightDecay;
    kernels().nadamStepTensors(
      table, count, h.maximize ? -1 : 1,
      decoupled ? 0 : h.weightDecay, decoupled ? 1 - h.lr * h.weightDecay : 1,
      beta1, 1 - beta1, beta2, 1 - beta2, h.eps,
      0, elements,
    );
  }
}
