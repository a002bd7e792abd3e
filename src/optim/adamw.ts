import type { Tensor } from '../tensor.js';
import { adamSpec, adamUpdate, type AdamHyperParameters, type AdamOptions } from './adam.js';
import { Optimizer, type OptimizerParams } from './optimizer.js';
import type { ParamState } from './param-state.js';

/**
 * AdamW, as torch.optim.AdamW: Adam with decoupled weight decay (default 1e-2). Each step first
 * shrinks the parameter, `p *= 1 − lr·weightDecay`, then takes the Adam step without L2.
 */
export class AdamW extends Optimizer<AdamHyperParameters> {
  constructor(params: OptimizerParams<AdamHyperParameters>, options: AdamOptions = {}) {
    super(adamSpec('AdamW', 1e-2), params, options);
  }

  protected update(param: Tensor, grad: Tensor, state: ParamState, h: AdamHyperParameters): void {
    adamUpdate(param, grad, state, h, true);
  }
}
