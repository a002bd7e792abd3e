import process from 'node:process';

/** What ProgressBar writes to: process.stderr, process.stdout, or anything with write(). */
export interface ProgressStream {
  write(text: string): unknown;
  /** A terminal gets one line redrawn in place; anything else (CI logs, files) plain lines. */
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressBarOptions {
  /** Steps (batches) per epoch (required). */
  total: number;
  /** Epochs in the run, shown as "epoch 2/5" (default none: "epoch 2"). */
  epochs?: number;
  /** Default process.stderr. */
  stream?: ProgressStream;
  /** Plain lines per epoch when the stream is not a terminal (default 10). */
  linesPerEpoch?: number;
  /** A millisecond clock (default performance.now()); tests pass a fake one. */
  now?: () => number;
}

export interface EpochSummary {
  epoch: number;
  steps: number;
  samples: number;
  seconds: number;
  samplesPerSecond: number;
  /** Mean of the losses passed to step(), or NaN when none was. */
  loss: number;
}

const REDRAW_MS = 100;
const BAR_WIDTH = 20;

/**
 * One line of training progress: epoch, step/total, samples/s, ETA and the epoch's running
 * mean loss. Call startEpoch(e) at each epoch, step(batchSize, loss) after each batch, and
 * finish() at the end of the epoch.
 */
export class ProgressBar {
  private readonly total: number;
  private readonly epochs: number | undefined;
  private readonly stream: ProgressStream;
  private readonly every: number;
  private readonly now: () => number;
  private epoch = 1;
  private steps = 0;
  private samples = 0;
  private lossSum = 0;
  private losses = 0;
  private startedAt = 0;
  private drawnAt = -Infinity;

  constructor(options: ProgressBarOptions) {
    if (!Number.isInteger(options.total) || options.total < 1) {
      throw new Error(`simdgrad: ProgressBar: total (steps per epoch) must be a positive integer, got ${options.total}; pass loader.length.`);
    }
    this.total = options.total;
    this.epochs = options.epochs;
    this.stream = options.stream ?? process.stderr;
    this.every = Math.max(1, Math.ceil(this.total / (options.linesPerEpoch ?? 10)));
    this.now = options.now ?? (() => performance.now());
    this.startEpoch(1);
  }

  /** Starts counting epoch `epoch` (1-based): resets the step count, clock and running loss. */
  startEpoch(epoch: number): void {
    this.epoch = epoch;
    this.steps = 0;
    this.samples = 0;
    this.lossSum = 0;
    this.losses = 0;
    this.startedAt = this.now();
    this.drawnAt = -Infinity;
  }

  /** Records one finished step over `samples` samples, with its loss when known. */
  step(samples: number, loss?: number): void {
    this.steps++;
    this.samples += samples;
    if (loss !== undefined && Number.isFinite(loss)) {
      this.lossSum += loss;
      this.losses++;
    }
    if (this.stream.isTTY) {
      const at = this.now();
      if (at - this.drawnAt >= REDRAW_MS) {
        this.drawnAt = at;
        this.redraw(this.line(false));
      }
    } else if (this.steps % this.every === 0 && this.steps < this.total) {
      this.stream.write(`${this.line(false)}\n`);
    }
  }

  /** Writes the epoch's final line and returns its totals. */
  finish(): EpochSummary {
    const summary = this.summary();
    if (this.stream.isTTY) this.redraw(this.line(true));
    this.stream.write(this.stream.isTTY ? '\n' : `${this.line(true)}\n`);
    return summary;
  }

  private summary(): EpochSummary {
    const seconds = (this.now() - this.startedAt) / 1000;
    return {
      epoch: this.epoch,
      steps: this.steps,
      samples: this.samples,
      seconds,
      samplesPerSecond: seconds > 0 ? this.samples / seconds : NaN,
      loss: this.losses > 0 ? this.lossSum / this.losses : NaN,
    };
  }

  private line(final: boolean): string {
    const { seconds, samplesPerSecond, loss } = this.summary();
    const parts = [
      this.epochs === undefined ? `epoch ${this.epoch}` : `epoch ${this.epoch}/${this.epochs}`,
      `${this.stream.isTTY ? `${bar(this.steps / this.total)} ` : ''}${this.steps}/${this.total}`,
      `${Number.isNaN(samplesPerSecond) ? '-' : Math.round(samplesPerSecond)} samples/s`,
      final ? `took ${duration(seconds)}` : `ETA ${this.steps > 0 ? duration((seconds / this.steps) * Math.max(0, this.total - this.steps)) : '-'}`,
    ];
    if (!Number.isNaN(loss)) parts.push(`loss ${loss.toFixed(4)}`);
    return parts.join('  ');
  }

  // \r returns to the line start and ESC[K clears what a longer previous line left behind.
  private redraw(line: string): void {
    const width = this.stream.columns;
    this.stream.write(`\r${width ? line.slice(0, width - 1) : line}\x1b[K`);
  }
}

function bar(fraction: number): string {
  const filled = Math.round(Math.min(1, fraction) * BAR_WIDTH);
  return `[${'='.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}]`;
}

function duration(seconds: number): string {
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
