import { checkOptions } from '../check-args.js';
import type { Callback } from '../train/callbacks.js';
import { TimeSlicer, now } from '../train/event-loop.js';
import type { BatchLogs, EpochLogs } from '../train/types.js';
import { PROTOCOL, readControlMessage, type MessageEndpoint, type StartMessage, type StatusMessage } from './protocol.js';

/** What a training function gets besides its config: the link to the page's TrainingJob. */
export interface TrainingContext {
  readonly job: number;
  /** A fit() callback that sends progress and epoch logs, waits while paused and stops on cancel. */
  readonly callback: Callback;
  /** True once the page called cancel(). */
  readonly cancelled: boolean;
  /** Sends any structured-cloneable data to the page's 'report' listeners (images, matrices...). */
  report(data: unknown, transfer?: Transferable[]): void;
  /**
   * Waits while the job is paused and throws once it is cancelled: call it between steps of your
   * own loops (the callback calls it after every batch and epoch). It hands the thread to the
   * event loop every few dozen milliseconds of work, so the page's pause and cancel arrive.
   */
  checkpoint(): Promise<void>;
}

/** Trains with `config`; what it returns (structured-cloneable) resolves the page's job.result. */
export type TrainingFunction<Config, Result> = (config: Config, context: TrainingContext) => Result | Promise<Result>;

export interface ServeTrainingOptions {
  /** Where the page's messages arrive: the worker's global scope (self) by default, or a MessagePort. */
  endpoint?: MessageEndpoint;
  /** Least time between two progress messages (ms, default 50); the last batch of an epoch is always sent. */
  progressIntervalMs?: number;
}

/**
 * Runs `train` in this worker for each job a page starts with startTraining(worker, config),
 * one job at a time. Returns a function that stops listening.
 */
export function serveTraining<Config, Result>(train: TrainingFunction<Config, Result>, options: ServeTrainingOptions = {}): () => void {
  options = checkOptions<ServeTrainingOptions>('serveTraining', options) as ServeTrainingOptions;
  const endpoint = options.endpoint ?? workerScope();
  const progressIntervalMs = options.progressIntervalMs ?? 50;
  if (!(progressIntervalMs >= 0)) throw new Error(`simdgrad: serveTraining: progressIntervalMs must be a number >= 0, got ${progressIntervalMs}.`);
  let running: RunningJob | null = null;
  const start = (message: StartMessage) => {
    if (running) return refuse(endpoint, message.job, running.job);
    const job = new RunningJob(message.job, endpoint, progressIntervalMs);
    running = job;
    void job.run(train, message.config as Config).finally(() => (running = null));
  };
  const onMessage = (event: Event) => {
    const message = readControlMessage((event as MessageEvent).data, 'serveTraining');
    if (message?.kind === 'start') start(message);
    else if (message && running?.job === message.job) running.control(message.kind);
  };
  endpoint.addEventListener('message', onMessage);
  (endpoint as { start?(): void }).start?.();
  return () => endpoint.removeEventListener('message', onMessage);
}

function workerScope(): MessageEndpoint {
  const scope = globalThis as Partial<MessageEndpoint> & { document?: unknown };
  if (scope.document !== undefined || typeof scope.postMessage !== 'function' || typeof scope.addEventListener !== 'function') {
    throw new Error("simdgrad: serveTraining: this is not a worker's global scope (no self.postMessage, or a page's window); call it in a Worker's script, or pass { endpoint: port } with a MessagePort.");
  }
  return scope as MessageEndpoint;
}

function refuse(endpoint: MessageEndpoint, job: number, runningJob: number): void {
  const message = `simdgrad: serveTraining: job ${job} was started while job ${runningJob} still runs; a worker trains one job at a time: await the first job's result (or cancel it) first, or start another worker.`;
  send(endpoint, { protocol: PROTOCOL, job, kind: 'failed', error: { message } });
}

function send(endpoint: MessageEndpoint, message: StatusMessage, transfer: Transferable[] = []): void {
  endpoint.postMessage(message, transfer);
}

class RunningJob implements TrainingContext {
  readonly callback: Callback;
  cancelled = false;
  private paused = false;
  private release: (() => void) | null = null;
  private lastProgress = -Infinity;
  // Messages (pause, cancel) are only delivered when the training yields to the event loop.
  private readonly slicer = new TimeSlicer();

  constructor(readonly job: number, private readonly endpoint: MessageEndpoint, private readonly progressIntervalMs: number) {
    this.callback = {
      onBatchEnd: (logs) => this.onBatchEnd(logs),
      onEpochEnd: (logs) => this.onEpochEnd(logs),
    };
  }

  async run<Config, Result>(train: TrainingFunction<Config, Result>, config: Config): Promise<void> {
    try {
      const result = await train(config, this);
      this.send(this.cancelled ? { kind: 'cancelled' } : { kind: 'done', result });
    } catch (error) {
      if (this.cancelled) this.send({ kind: 'cancelled' });
      else this.send({ kind: 'failed', error: error instanceof Error ? { message: error.message, stack: error.stack ?? '' } : { message: String(error) } });
    }
  }

  control(kind: 'pause' | 'resume' | 'cancel'): void {
    if (kind === 'pause') this.paused = true;
    if (kind === 'resume') this.paused = false;
    if (kind === 'cancel') this.cancelled = true;
    if (kind !== 'pause') this.wake();
  }

  report(data: unknown, transfer: Transferable[] = []): void {
    this.send({ kind: 'report', data }, transfer);
  }

  async checkpoint(): Promise<void> {
    await this.slicer.maybeYield();
    if (this.paused && !this.cancelled) {
      this.send({ kind: 'paused' });
      await new Promise<void>((resolve) => (this.release = resolve));
    }
    if (this.cancelled) {
      const error = new Error(`simdgrad: training job ${this.job} was cancelled by TrainingJob.cancel().`);
      error.name = 'AbortError';
      throw error;
    }
  }

  private wake(): void {
    this.release?.();
    this.release = null;
  }

  private async onBatchEnd(logs: BatchLogs): Promise<void> {
    const time = now();
    if (time - this.lastProgress >= this.progressIntervalMs || logs.batch === logs.batches) {
      this.lastProgress = time;
      this.send({ kind: 'progress', progress: { ...logs, samplesPerSecond: logs.samples / Math.max(logs.seconds, 1e-9) } });
    }
    await this.checkpoint();
  }

  private async onEpochEnd(logs: EpochLogs): Promise<void> {
    this.send({ kind: 'epoch', logs });
    await this.checkpoint();
  }

  private send(body: DistributiveOmit<StatusMessage, 'protocol' | 'job'>, transfer: Transferable[] = []): void {
    send(this.endpoint, { protocol: PROTOCOL, job: this.job, ...body } as StatusMessage, transfer);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
