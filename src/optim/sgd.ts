import { kernels } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { checkBoolean, checkFinite, checkLr, checkNonNegative } from './hyper-parameters.js';
import { Optimizer, type OptimizerParams, type OptimizerSpec, type ParamGroupOptions } from './optimizer.js';
import type { ParamState } from './param-state.js';
import type { TensorTable } from './tensor-table.js';
import { checkOptions } from '../check-args.js';

export interface SGDHyperParameters {
  /** Learning rate. Required: SGD has no default, as in PyTorch (pass it here or in every param group). */
  lr: number;
  /** Momentum factor. Default 0 (plain SGD). */
  momentum: number;
  /** Dampening of the momentum's new gradient. Default 0. */
  dampening: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov: boolean;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Maximize the objective instead of minimizing it. Default false. */
  maximize: boolean;
}

/** SGD's options: `lr` is required, the rest default as in {@link SGDHyperParameters}. */
export type SGDOptions = Partial<SGDHyperParameters> & { lr: number };

/** A param group that sets its own `lr`, so the options may leave it out. */
export type SGDParamGroupWithLr = ParamGroupOptions<SGDHyperParameters> & { lr: number };

const SGD_SPEC: OptimizerSpec<SGDHyperParameters> = {
  name: 'SGD',
  buffers: ['momentumBuffer'],
  entryWords: 6,
  defaults: { lr: undefined, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false },
  validate(h) {
    if (h.lr === undefined) {
      throw new Error('simdgrad: SGD: lr is required; pass it in the options (new optim.SGD(params, { lr: 0.01 })) or in every param group.');
    }
    checkLr('SGD', h.lr);
    checkNonNegative('SGD', 'momentum', h.momentum);
    checkFinite('SGD', 'dampening', h.dampening);
    checkNonNegative('SGD', 'weightDecay', h.weightDecay);
    checkBoolean('SGD', 'nesterov', h.nesterov);
    checkBoolean('SGD', 'maximize', h.maximize);
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) {
      throw new Error(`simdgrad: SGD: nesterov requires momentum > 0 and dampening 0, got momentum ${h.momentum} and dampening ${h.dampening}; use e.g. { momentum: 0.9, nesterov: true }.`);
    }
  },
};

/**
 * Stochastic gradient descent, as torch.optim.SGD: `g = grad + weightDecay·p`; with momentum
 * `buf = g` on the first step, then `buf = momentum·buf + (1 − dampening)·g`, and the step uses
 * `g + momentum·buf` (Nesterov) or `buf`; `p −= lr·step`.
 */
export class SGD extends Optimizer<SGDHyperParameters> {
  constructor(params: OptimizerParams<SGDHyperParameters>, options: SGDOptions);
  constructor(params: Iterable<SGDParamGroupWithLr>, options?: Partial<SGDHyperParameters>);
  constructor(params: OptimizerParams<SGDHyperParameters>, options: Partial<SGDHyperParameters> = {}) {
    super(SGD_SPEC, params, options);
    options = checkOptions<SGDOptions>('SGD', options) as SGDOptions;
  }

  protected writeEntry(table: TensorTable, param: Tensor, grad: Tensor, state: ParamState, h: SGDHyperParameters): void {
    let buffer: Tensor | null = null;
    let bufferDecay = 0;
    let bufferGain = 0;
    if (h.momentum !== 0) {
      const first = !state.has('momentumBuffer');
      buffer = state.buffer('momentumBuffer', param);
      bufferDecay = first ? 0 : h.momentum;
      bufferGain = first ? 1 : 1 - h.dampening;
    }
    table.pointer(param);
    table.pointer(grad);
    table.pointer(buffer);
    table.integer(param.size);
    table.float(bufferDecay);
    table.float(bufferGain);
  }

  protected updateTensors(table: number, count: number, elements: number, h: SGDHyperParameters): void {
    kernels().sgdStepTensors(table, count, h.lr, h.maximize ? -1 : 1, h.weightDecay, h.momentum, h.nesterov ? 1 : 0, 0, elements);
  }
}
