import { noGrad } from '../autograd/grad-mode.js';
import { crossEntropy } from '../ops/loss.js';
import { tidy } from '../scope.js';
import { formatShape } from '../shape-util.js';
import type { Tensor } from '../tensor.js';
import { batchSource, type BatchSource } from './batches.js';
import type { Callback } from './callbacks.js';
import { TimeSlicer, now } from './event-loop.js';
import { countCorrect } from './metrics.js';
import type { ArrayData, BatchLogs, Batches, EpochLogs, LossFn, Stepper, Target, Trainable } from './types.js';
import { checkOptions } from '../check-args.js';
import { checkTrainable } from './check-train-args.js';

export interface FitOptions {
  train: Batches | ArrayData;
  validation?: Batches | ArrayData;
  epochs: number;
  optimizer: Stepper;
  /** Default: F.crossEntropy (logits and class indices). */
  loss?: LossFn;
  /** 'accuracy' adds accuracy and valAccuracy to the logs (classification). */
  metrics?: 'accuracy'[];
  callbacks?: Callback[];
}

export interface EvaluateOptions {
  loss?: LossFn;
  metrics?: 'accuracy'[];
}

export interface Evaluation {
  loss: number;
  accuracy?: number;
  samples: number;
}

/**
 * Trains `model` for `epochs` passes over `train`, like Keras' model.fit: returns one log per
 * epoch (loss, accuracy, validation loss and accuracy, samples/s). Batches that a DataLoader or
 * { x, y } arrays produce are disposed once used; batches from your own iterable stay yours.
 * It yields to the event loop after about every 30 ms of work, so a page (or a worker's message
 * handler) stays responsive while it trains.
 */
export async function fit(model: Trainable, options: FitOptions): Promise<EpochLogs[]> {
  checkTrainable('fit', model);
  options = checkOptions<FitOptions>('fit', options) as FitOptions;
  checkFitOptions(options);
  const lossFn = options.loss ?? crossEntropy;
  const withAccuracy = options.metrics?.includes('accuracy') ?? false;
  const callbacks = options.callbacks ?? [];
  const history: EpochLogs[] = [];
  const train = batchSource(options.train, 'fit', true);
  const validation = options.validation ? batchSource(options.validation, 'fit (validation)', false) : null;
  try {
    await runEpochs(model, { ...options, lossFn, withAccuracy, callbacks, train, validation, history, slicer: new TimeSlicer() });
  } finally {
    train.dispose();
    validation?.dispose();
  }
  for (const cb of callbacks) await cb.onTrainEnd?.(history);
  return history;
}

interface RunState extends Omit<FitOptions, 'train' | 'validation'> {
  lossFn: LossFn;
  withAccuracy: boolean;
  callbacks: Callback[];
  train: BatchSource;
  validation: BatchSource | null;
  history: EpochLogs[];
  slicer: TimeSlicer;
}

async function runEpochs(model: Trainable, state: RunState): Promise<void> {
  const { callbacks, withAccuracy, history } = state;
  for (const cb of callbacks) await cb.onTrainBegin?.();
  for (let epoch = 1; epoch <= state.epochs; epoch++) {
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch);
    const trained = await trainEpoch(model, state, epoch);
    const logs: EpochLogs = {
      epoch,
      loss: trained.loss,
      ...(withAccuracy ? { accuracy: trained.accuracy } : {}),
      seconds: trained.seconds,
      samplesPerSecond: trained.samples / trained.seconds,
    };
    if (state.validation) {
      const validation = await evaluateSliced(model, state.validation, state.lossFn, state.slicer);
      logs.valLoss = validation.loss;
      if (withAccuracy) logs.valAccuracy = validation.accuracy;
    }
    history.push(logs);
    let stop = false;
    for (const cb of callbacks) stop = (await cb.onEpochEnd?.(logs)) === 'stop' || stop;
    if (stop) break;
  }
}

/** Mean loss (and accuracy) of `model` over `data`, in eval mode and without gradients. */
export function evaluate(model: Trainable, data: Batches | ArrayData, options: EvaluateOptions = {}): Evaluation {
  checkTrainable('evaluate', model);
  options = checkOptions<EvaluateOptions>('evaluate', options) as EvaluateOptions;
  const source = batchSource(data, 'evaluate', false);
  try {
    const { loss, accuracy, samples } = evaluateSource(model, source, options.loss ?? crossEntropy);
    return options.metrics?.includes('accuracy') ? { loss, accuracy, samples } : { loss, samples };
  } finally {
    source.dispose();
  }
}

function evaluateSource(model: Trainable, source: BatchSource, lossFn: LossFn): Required<Evaluation> {
  const pass = evaluationPass(model, source, lossFn);
  for (let step = pass.next(); ; step = pass.next()) if (step.done) return step.value;
}

async function evaluateSliced(model: Trainable, source: BatchSource, lossFn: LossFn, slicer: TimeSlicer): Promise<Required<Evaluation>> {
  const pass = evaluationPass(model, source, lossFn);
  for (let step = pass.next(); ; step = pass.next()) {
    if (step.done) return step.value;
    await slicer.maybeYield();
  }
}

// A generator that pauses after each batch, so evaluate() can run it straight through and fit()
// can yield to the event loop between batches.
function* evaluationPass(model: Trainable, source: BatchSource, lossFn: LossFn): Generator<void, Required<Evaluation>> {
  const wasTraining = (model as { training?: boolean }).training ?? true;
  model.eval();
  let lossSum = 0;
  let correct = 0;
  let samples = 0;
  try {
    for (const [x, y] of source.epoch()) {
      const n = checkBatch(x, y, 'evaluate');
      noGrad(() =>
        tidy(() => {
          const output = model.forward(x);
          lossSum += lossFn(output, y).item() * n;
          correct += countCorrect(output, y);
        }),
      );
      samples += n;
      if (source.ownsBatches) disposeBatch(x, y);
      yield;
    }
  } finally {
    model.train(wasTraining);
  }
  return { loss: lossSum / samples, accuracy: correct / samples, samples };
}

async function trainEpoch(model: Trainable, state: RunState, epoch: number) {
  const { optimizer, lossFn, callbacks, train, withAccuracy, slicer } = state;
  model.train();
  const started = now();
  const batches = train.length;
  let lossSum = 0;
  let correct = 0;
  let samples = 0;
  let batch = 0;
  for (const [x, y] of train.epoch()) {
    const n = checkBatch(x, y, 'fit');
    optimizer.zeroGrad();
    const step = tidy(() => {
      const output = model.forward(x);
      const loss = lossFn(output, y);
      loss.backward();
      return { loss: loss.item(), correct: countCorrect(output, y) };
    });
    optimizer.step();
    if (train.ownsBatches) disposeBatch(x, y);
    lossSum += step.loss * n;
    correct += step.correct;
    samples += n;
    batch++;
    const logs: BatchLogs = { epoch, batch, batches, loss: lossSum / samples, ...(withAccuracy ? { accuracy: correct / samples } : {}), samples, seconds: (now() - started) / 1000 };
    for (const cb of callbacks) await cb.onBatchEnd?.(logs);
    await slicer.maybeYield();
  }
  if (samples === 0) throw new Error('simdgrad: fit: the training data yielded no batches; check that it is not empty (and that batchSize <= its size with dropLast).');
  return { loss: lossSum / samples, accuracy: correct / samples, samples, seconds: Math.max((now() - started) / 1000, 1e-9) };
}

function checkFitOptions(options: FitOptions): void {
  if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new Error(`simdgrad: fit: epochs must be a positive integer, got ${options.epochs}.`);
  if (!options.optimizer) throw new Error('simdgrad: fit: no optimizer; pass { optimizer: new optim.Adam(model.parameters()) }.');
  if (!options.train) throw new Error('simdgrad: fit: no training data; pass { train: loader } or { train: { x, y } }.');
}

function checkBatch(x: Tensor, y: Target, op: string): number {
  const inputs = x.shape[0] ?? 0;
  const labels = y instanceof Int32Array ? y.length : (y.shape[0] ?? 0);
  if (inputs !== labels) {
    throw new Error(`simdgrad: ${op}: a batch has ${inputs} inputs (shape ${formatShape(x.shape)}) but ${labels} labels; inputs and labels must have the same first dimension.`);
  }
  return inputs;
}

function disposeBatch(x: Tensor, y: Target): void {
  x.dispose();
  if (!(y instanceof Int32Array)) y.dispose();
}
