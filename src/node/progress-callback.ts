import type { BatchLogs, Callback } from '../train/index.js';
import { ProgressBar, type ProgressStream } from './progress.js';

export interface ProgressCallbackOptions {
  /** Epochs in the run, shown as "epoch 2/5" (default none: "epoch 2"). */
  epochs?: number;
  /** Default process.stderr. */
  stream?: ProgressStream;
}

/** A fit() callback drawing a ProgressBar: epoch, step, samples/s, ETA and running loss. */
export function progressCallback(options: ProgressCallbackOptions = {}): Callback {
  let bar: ProgressBar | null = null;
  let epoch = 1;
  let samplesSoFar = 0;
  let lossSoFar = 0;
  return {
    onEpochBegin(e: number) {
      epoch = e;
      samplesSoFar = 0;
      lossSoFar = 0;
      bar?.startEpoch(e);
    },
    onBatchEnd(logs: BatchLogs) {
      bar ??= createBar(logs, options, epoch);
      const batchSamples = logs.samples - samplesSoFar;
      const batchLoss = (logs.loss * logs.samples - lossSoFar * samplesSoFar) / batchSamples;
      samplesSoFar = logs.samples;
      lossSoFar = logs.loss;
      bar.step(batchSamples, batchLoss);
    },
    onEpochEnd() {
      bar?.finish();
    },
  };
}

function createBar(logs: BatchLogs, options: ProgressCallbackOptions, epoch: number): ProgressBar {
  const bar = new ProgressBar({ total: logs.batches ?? 1, epochs: options.epochs, stream: options.stream });
  bar.startEpoch(epoch);
  return bar;
}
