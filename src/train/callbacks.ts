import type { BatchLogs, EpochLogs } from './types.js';
import { checkOptions } from '../check-args.js';

/** Hooks fit() calls; return 'stop' from onEpochEnd to end training early. All may be async. */
export interface Callback {
  onTrainBegin?(): void | Promise<void>;
  onEpochBegin?(epoch: number): void | Promise<void>;
  onBatchEnd?(logs: BatchLogs): void | Promise<void>;
  onEpochEnd?(logs: EpochLogs): void | 'stop' | Promise<void | 'stop'>;
  onTrainEnd?(history: EpochLogs[]): void | Promise<void>;
}

export interface EarlyStoppingOptions {
  /** The logged value to watch (default 'valLoss'). */
  monitor?: 'loss' | 'accuracy' | 'valLoss' | 'valAccuracy';
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** 'min' for losses, 'max' for accuracies; chosen from monitor by default. */
  mode?: 'min' | 'max';
}

/** Stops fit() when the monitored value has not improved for `patience` epochs, like Keras. */
export class EarlyStopping implements Callback {
  readonly monitor: NonNullable<EarlyStoppingOptions['monitor']>;
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: 'min' | 'max';
  bestEpoch = -1;
  stoppedEpoch = -1;
  private best = Number.NaN;
  private wait = 0;

  constructor(options: EarlyStoppingOptions = {}) {
    options = checkOptions<EarlyStoppingOptions>('EarlyStopping', options) as EarlyStoppingOptions;
    this.monitor = options.monitor ?? 'valLoss';
    this.patience = options.patience ?? 0;
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.mode = options.mode ?? (this.monitor.toLowerCase().includes('accuracy') ? 'max' : 'min');
  }

  onTrainBegin(): void {
    this.best = Number.NaN;
    this.wait = 0;
    this.bestEpoch = -1;
    this.stoppedEpoch = -1;
  }

  onEpochEnd(logs: EpochLogs): 'stop' | undefined {
    const value = logs[this.monitor];
    if (value === undefined) {
      throw new Error(`simdgrad: EarlyStopping: monitor '${this.monitor}' is not logged; give fit() a validation set for 'valLoss'/'valAccuracy', or monitor 'loss'.`);
    }
    if (Number.isNaN(this.best) || this.improves(value)) {
      this.best = value;
      this.bestEpoch = logs.epoch;
      this.wait = 0;
      return undefined;
    }
    if (++this.wait > this.patience) {
      this.stoppedEpoch = logs.epoch;
      return 'stop';
    }
    return undefined;
  }

  private improves(value: number): boolean {
    return this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
  }
}
