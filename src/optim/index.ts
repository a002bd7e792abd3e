export {
  Optimizer,
  type HyperParameters,
  type HyperValue,
  type ParamGroup,
  type ParamGroupOptions,
  type OptimizerParams,
  type OptimizerStateDict,
} from './optimizer.js';
export type { TorchOptimizerStateDict, TorchOptimizerStateDictInput, TorchTensor, OptimizerStateDictOptions } from './torch-state.js';
export { SGD, type SGDOptions, type SGDHyperParameters, type SGDParamGroupWithLr } from './sgd.js';
export { Adam, type AdamOptions, type AdamHyperParameters } from './adam.js';
export { AdamW } from './adamw.js';
export { RMSprop, type RMSpropOptions, type RMSpropHyperParameters } from './rmsprop.js';
export { Adagrad, type AdagradOptions, type AdagradHyperParameters } from './adagrad.js';
export { Adamax, type AdamaxOptions, type AdamaxHyperParameters } from './adamax.js';
export { NAdam, type NAdamOptions, type NAdamHyperParameters } from './nadam.js';
export { RAdam, type RAdamOptions, type RAdamHyperParameters } from './radam.js';
export { Adadelta, type AdadeltaOptions, type AdadeltaHyperParameters } from './adadelta.js';
export { LRScheduler, StepLR, ExponentialLR, CosineAnnealingLR, type LRSchedulerStateDict, type StepLROptions, type ExponentialLROptions, type CosineAnnealingLROptions } from './lr-scheduler.js';
export { clipGradNorm } from './clip-grad.js';
