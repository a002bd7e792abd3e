export { predict, type PredictOptions } from './predict.js';
export { fit, evaluate, type FitOptions, type EvaluateOptions, type Evaluation } from './fit.js';
export { EarlyStopping, type Callback, type EarlyStoppingOptions } from './callbacks.js';
export { countCorrect, confusionMatrix, predictedClasses } from './metrics.js';
export type { Trainable, Stepper, Target, Batches, ArrayData, LossFn, EpochLogs, BatchLogs } from './types.js';
