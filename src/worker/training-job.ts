import type { EpochLogs } from '../train/types.js';
import { PROTOCOL, readStatusMessage, type ControlMessage, type MessageEndpoint, type StatusMessage, type TrainingProgress } from './protocol.js';

export type TrainingState = 'running' | 'paused' | 'done' | 'cancelled' | 'failed';

/** What each TrainingJob event passes to its listeners. */
export interface TrainingEvents {
  progress: TrainingProgress;
  epoch: EpochLogs;
  /** Whatever the worker sent with context.report(). */
  report: unknown;
  state: TrainingState;
}

export interface StartTrainingOptions {
  /** Objects in the config to move to the worker rather than copy (ArrayBuffers...); default: none, everything is copied. */
  transfer?: Transferable[];
}

let lastJobId = 0;

/**
 * Starts a training job in `worker` (whose script calls serveTraining) with `config`, which must
 * be structured-cloneable. The returned handle streams progress and controls the job.
 */
export function startTraining<Result = unknown>(worker: MessageEndpoint, config: unknown, options: StartTrainingOptions = {}): TrainingJob<Result> {
  if (typeof worker?.postMessage !== 'function' || typeof worker.addEventListener !== 'function') {
    const got = worker === null ? 'null' : typeof worker === 'object' ? (worker.constructor?.name ?? 'an object') : typeof worker;
    throw new Error(`simdgrad: startTraining: the first argument must be a Worker or a MessagePort (with postMessage and addEventListener), got ${got}; pass new Worker(url, { type: 'module' }).`);
  }
  return new TrainingJob<Result>(worker, ++lastJobId, config, options.transfer ?? []);
}

/**
 * The page's handle on a job that trains in a worker: `on('progress' | 'epoch' | 'report' |
 * 'state', listener)`, pause(), resume(), cancel(), and `result`, which resolves with what the
 * worker's training function returned, or rejects when it throws (an Error named 'AbortError'
 * after cancel()).
 */
export class TrainingJob<Result = unknown> {
  readonly result: Promise<Result>;
  private currentState: TrainingState = 'running';
  private readonly listeners: { [E in keyof TrainingEvents]: Set<(value: TrainingEvents[E]) => void> } = {
    progress: new Set(),
    epoch: new Set(),
    report: new Set(),
    state: new Set(),
  };
  private pauseWaiters: (() => void)[] = [];
  private pauseRequested = false;
  private settle!: { resolve(result: Result): void; reject(error: Error): void };
  private readonly onMessage = (event: Event) => this.receive((event as MessageEvent).data);
  private readonly onError = (event: Event) => this.fail(`the worker failed: ${(event as ErrorEvent).message ?? 'an error while loading or running its script'}; check the worker script's URL and the console.`);
  private readonly onMessageError = () => this.fail('a message from the worker could not be deserialized.');

  /** Use startTraining(). */
  constructor(private readonly worker: MessageEndpoint, readonly id: number, config: unknown, transfer: Transferable[]) {
    this.result = new Promise<Result>((resolve, reject) => (this.settle = { resolve, reject }));
    worker.addEventListener('message', this.onMessage);
    worker.addEventListener('error', this.onError);
    worker.addEventListener('messageerror', this.onMessageError);
    (worker as { start?(): void }).start?.();
    this.send({ protocol: PROTOCOL, job: id, kind: 'start', config }, transfer);
  }

  get state(): TrainingState {
    return this.currentState;
  }

  on<E extends keyof TrainingEvents>(event: E, listener: (value: TrainingEvents[E]) => void): this {
    this.listenersOf(event).add(listener);
    return this;
  }

  off<E extends keyof TrainingEvents>(event: E, listener: (value: TrainingEvents[E]) => void): this {
    this.listenersOf(event).delete(listener);
    return this;
  }

  /** Asks the worker to stop after its current batch; resolves once it has (or the job ended, or resume() came first). */
  pause(): Promise<void> {
    if (this.currentState !== 'running') return Promise.resolve();
    this.pauseRequested = true;
    this.control('pause');
    return new Promise((resolve) => this.pauseWaiters.push(resolve));
  }

  resume(): void {
    if (this.currentState !== 'running' && this.currentState !== 'paused') return;
    this.pauseRequested = false;
    this.control('resume');
    this.releasePauseWaiters();
    this.setState('running');
  }

  /** Stops the job at its next batch; resolves once the worker has stopped. */
  async cancel(): Promise<void> {
    if (this.isOver()) return;
    this.result.catch(() => {}); // the caller asked for the rejection; it must not surface as unhandled
    this.control('cancel');
    await this.result.catch(() => {});
  }

  private listenersOf<E extends keyof TrainingEvents>(event: E): Set<(value: TrainingEvents[E]) => void> {
    const set = this.listeners[event];
    if (!set) throw new Error(`simdgrad: TrainingJob.on: unknown event '${String(event)}'; the events are ${Object.keys(this.listeners).join(', ')}.`);
    return set;
  }

  private receive(data: unknown): void {
    let message: StatusMessage | null;
    try {
      message = readStatusMessage(data, 'TrainingJob');
    } catch (error) {
      if ((data as { job?: unknown }).job === this.id) this.fail((error as Error).message.replace(/^simdgrad: TrainingJob: /, ''));
      return;
    }
    if (!message || message.job !== this.id || this.isOver()) return;
    switch (message.kind) {
      case 'progress': return this.emit('progress', message.progress);
      case 'epoch': return this.emit('epoch', message.logs);
      case 'report': return this.emit('report', message.data);
      case 'paused': return this.onPaused();
      case 'done': return this.finish('done', () => this.settle.resolve(message.result as Result));
      case 'cancelled': return this.finish('cancelled', () => this.settle.reject(abortError(this.id)));
      case 'failed': return this.finish('failed', () => this.settle.reject(workerError(message.error)));
    }
  }

  // A 'paused' that the worker sent before it received a later resume() is stale.
  private onPaused(): void {
    if (!this.pauseRequested) return;
    this.setState('paused');
    this.releasePauseWaiters();
  }

  private fail(problem: string): void {
    if (this.isOver()) return;
    this.finish('failed', () => this.settle.reject(new Error(`simdgrad: TrainingJob ${this.id}: ${problem}`)));
  }

  private finish(state: TrainingState, settle: () => void): void {
    this.worker.removeEventListener('message', this.onMessage);
    this.worker.removeEventListener('error', this.onError);
    this.worker.removeEventListener('messageerror', this.onMessageError);
    settle();
    this.setState(state);
    this.releasePauseWaiters();
  }

  private isOver(): boolean {
    return this.currentState === 'done' || this.currentState === 'cancelled' || this.currentState === 'failed';
  }

  private releasePauseWaiters(): void {
    for (const resolve of this.pauseWaiters.splice(0)) resolve();
  }

  private setState(state: TrainingState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('state', state);
  }

  private emit<E extends keyof TrainingEvents>(event: E, value: TrainingEvents[E]): void {
    for (const listener of this.listeners[event]) listener(value);
  }

  private control(kind: 'pause' | 'resume' | 'cancel'): void {
    this.send({ protocol: PROTOCOL, job: this.id, kind }, []);
  }

  private send(message: ControlMessage, transfer: Transferable[]): void {
    this.worker.postMessage(message, transfer);
  }
}

function abortError(id: number): Error {
  const error = new Error(`simdgrad: TrainingJob ${id}: cancelled by cancel().`);
  error.name = 'AbortError';
  return error;
}

function workerError(error: { message: string; stack?: string }): Error {
  const message = error.message.startsWith('simdgrad: ') ? error.message : `simdgrad: the training function in the worker threw: ${error.message}`;
  const result = new Error(message);
  if (error.stack) result.stack = `${message}\n--- in the worker:\n${error.stack}`;
  return result;
}
