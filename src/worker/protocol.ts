import type { BatchLogs, EpochLogs } from '../train/types.js';

/**
 * The messages between a page and a worker that trains (serveTraining on one side, a
 * TrainingJob on the other). Each carries `protocol: 'simdgrad-training'`, so an app can send
 * its own messages over the same channel, and the id of its job. Both sides validate every
 * message of the protocol before acting on it.
 */
export const PROTOCOL = 'simdgrad-training';

/** A Worker, a MessagePort, or a worker's global scope (self): all the protocol needs. */
export interface MessageEndpoint {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

/** Training progress after a batch: fit()'s batch logs plus the throughput so far. */
export interface TrainingProgress extends BatchLogs {
  samplesPerSecond: number;
}

export type StartMessage = { protocol: typeof PROTOCOL; job: number; kind: 'start'; config: unknown };

/** Page -> worker. */
export type ControlMessage = StartMessage | { protocol: typeof PROTOCOL; job: number; kind: 'pause' | 'resume' | 'cancel' };

/** Worker -> page. */
export type StatusMessage =
  | { protocol: typeof PROTOCOL; job: number; kind: 'progress'; progress: TrainingProgress }
  | { protocol: typeof PROTOCOL; job: number; kind: 'epoch'; logs: EpochLogs }
  | { protocol: typeof PROTOCOL; job: number; kind: 'report'; data: unknown }
  | { protocol: typeof PROTOCOL; job: number; kind: 'paused' | 'cancelled' }
  | { protocol: typeof PROTOCOL; job: number; kind: 'done'; result: unknown }
  | { protocol: typeof PROTOCOL; job: number; kind: 'failed'; error: { message: string; stack?: string } };

const CONTROL_KINDS = ['start', 'pause', 'resume', 'cancel'];
const STATUS_KINDS = ['progress', 'epoch', 'report', 'paused', 'cancelled', 'done', 'failed'];

/** The control message in `data`, null when `data` is not of this protocol; throws when it is but malformed. */
export function readControlMessage(data: unknown, receiver: string): ControlMessage | null {
  const message = readEnvelope(data, CONTROL_KINDS, receiver);
  if (message && message.kind === 'start' && !('config' in message)) malformed(receiver, message, "a 'start' message needs a config (it may be null)");
  return message as ControlMessage | null;
}

/** The status message in `data`, null when `data` is not of this protocol; throws when it is but malformed. */
export function readStatusMessage(data: unknown, receiver: string): StatusMessage | null {
  const message = readEnvelope(data, STATUS_KINDS, receiver);
  if (!message) return null;
  if (message.kind === 'progress') checkNumbers(receiver, message, message.progress, ['epoch', 'batch', 'loss', 'samples', 'seconds', 'samplesPerSecond'], ['batches', 'accuracy']);
  if (message.kind === 'epoch') checkNumbers(receiver, message, message.logs, ['epoch', 'loss', 'seconds', 'samplesPerSecond'], ['accuracy', 'valLoss', 'valAccuracy']);
  if (message.kind === 'failed' && typeof (message.error as { message?: unknown } | undefined)?.message !== 'string') malformed(receiver, message, 'error.message must be a string');
  return message as StatusMessage;
}

type Envelope = { protocol: string; job: number; kind: string } & Record<string, unknown>;

function readEnvelope(data: unknown, kinds: string[], receiver: string): Envelope | null {
  if (typeof data !== 'object' || data === null || (data as { protocol?: unknown }).protocol !== PROTOCOL) return null;
  const message = data as Envelope;
  if (!Number.isSafeInteger(message.job) || message.job < 0) malformed(receiver, message, 'job must be a non-negative integer');
  if (!kinds.includes(message.kind)) malformed(receiver, message, `kind must be one of ${kinds.join(', ')}`);
  return message;
}

function checkNumbers(receiver: string, message: Envelope, value: unknown, required: string[], optional: string[]): void {
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const bad = [...required.filter((key) => typeof record[key] !== 'number'), ...optional.filter((key) => record[key] !== undefined && typeof record[key] !== 'number')];
  if (bad.length > 0) malformed(receiver, message, `${bad.join(', ')} must be ${bad.length > 1 ? 'numbers' : 'a number'}`);
}

function malformed(receiver: string, message: Envelope, problem: string): never {
  throw new Error(
    `simdgrad: ${receiver}: malformed '${String(message.kind)}' message of job ${String(message.job)}: ${problem}; ` +
      'both sides must run the same simdgrad version (the worker imports the same bundle as the page).',
  );
}
