import type { Tensor } from '../tensor.js';
import { adamSpec, adamUpdateTensors, writeAdamEntry, type AdamHyperParameters, type AdamOptions } from './adam.js';
import { Optimizer, type OptimizerParams } from './optimizer.js';
import type { ParamState } from './param-state.js';
import type { TensorTable } from './tensor-table.js';
import { checkOptions } from '../check-args.js';

/**
 * AdamW, as torch.optim.AdamW: Adam with decoupled weight decay (default 1e-2). Each step first
 * shrinks the parameter, `p *= 1 − lr·weightDecay`, then takes the Adam step without L2.
 */
export class AdamW extends Optimizer<AdamHyperParameters> {
  constructor(params: OptimizerParams<AdamHyperParameters>, options: AdamOptions = {}) {
    super(adamSpec('AdamW', 1e-2), params, options);
    options = checkOptions<AdamOptions>('AdamW', options) as AdamOptions;
  }

  protected writeEntry(table: TensorTable, param: Tensor, grad: Tensor, state: ParamState, h: AdamHyperParameters): void {
    writeAdamEntry(table, param, grad, state, h);
  }

  protected updateTensors(table: number, count: number, elements: number, h: AdamHyperParameters): void {
    adamUpdateTensors(table, count, elements, h, true);
  }
}
