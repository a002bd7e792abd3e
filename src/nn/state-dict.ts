import { backend } from '../backend/backend.js';
import type { IntegerValues, SafetensorsDtype } from '../io/safetensors-dtypes.js';
import { formatShape, shapeSize } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { countOf } from './count-buffer.js';

/** One saved tensor: its shape and a copy of its values, row-major. */
export interface StateDictEntry {
  shape: number[];
  data: Float32Array;
  /** How files store it when not as F32: 'I64' for counts PyTorch keeps as int64 (num_batches_tracked). */
  dtype?: SafetensorsDtype;
  /** The exact values of an integer entry (a count past float32's 2^24), when it has them. */
  integers?: IntegerValues;
}

/**
 * A module's parameters and persistent buffers by dotted name (`0.weight`, `fc1.bias`), as
 * PyTorch's state_dict. A Map, so the order is registration order whatever the names look like.
 */
export type StateDict = Map<string, StateDictEntry>;

type EntryInput = { shape: readonly number[]; data: ArrayLike<number> } | Tensor;

/**
 * What loadStateDict accepts: a StateDict, or a plain object of the same entries (e.g. parsed
 * JSON), where an entry may also be a Tensor, as in PyTorch's load_state_dict.
 */
export type StateDictInput = StateDict | Record<string, EntryInput>;

export interface LoadStateDictOptions {
  /** Require the keys to match the model's exactly (default true). Shapes must always match. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  /** Model keys the state dict did not have (only ever non-empty with strict: false). */
  missingKeys: string[];
  /** State-dict keys the model does not have (only ever non-empty with strict: false). */
  unexpectedKeys: string[];
}

export function snapshotTensors(named: [string, Tensor][]): StateDict {
  return new Map(named.map(([name, t]) => [name, snapshot(t)]));
}

// A count buffer saves its exact count, as int64 like PyTorch's.
function snapshot(t: Tensor): StateDictEntry {
  const count = countOf(t);
  const entry = { shape: [...t.shape], data: t.toFloat32Array() };
  return count ? { ...entry, dtype: 'I64', integers: BigInt64Array.of(BigInt(count.get())) } : entry;
}

/** Validates everything first, then copies: a failed load never leaves the model half-overwritten. */
export function loadIntoTensors(named: [string, Tensor][], state: StateDictInput, options: LoadStateDictOptions, owner: string): LoadStateDictResult {
  const strict = options.strict ?? true;
  const entries = state instanceof Map ? state : new Map(Object.entries(state).map(([name, entry]) => [name, fromInput(name, entry, owner)]));
  const targets = new Map(named);
  const missingKeys = [...targets.keys()].filter((name) => !entries.has(name));
  const unexpectedKeys = [...entries.keys()].filter((name) => !targets.has(name));
  const problems = [
    ...(strict && missingKeys.length > 0 ? [`missing keys: ${quoteAll(missingKeys)}`] : []),
    ...(strict && unexpectedKeys.length > 0 ? [`unexpected keys: ${quoteAll(unexpectedKeys)}`] : []),
    ...[...targets].flatMap(([name, t]) => entryProblems(name, t, entries.get(name))),
  ];
  if (problems.length > 0) {
    throw new Error(
      `simdgrad: ${owner}.loadStateDict: the state dict does not fit this model, so nothing was loaded:\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nLoad a state dict saved from the same architecture' + (strict ? ', or pass { strict: false } to skip missing and unexpected keys.' : '.'),
    );
  }
  const memory = backend().allocator.f32();
  for (const [name, t] of targets) {
    const entry = entries.get(name);
    if (!entry) continue;
    memory.set(entry.data, t.ptr >>> 2);
    countOf(t)?.set(exactCount(entry));
  }
  return { missingKeys: strict ? [] : missingKeys, unexpectedKeys: strict ? [] : unexpectedKeys };
}

function exactCount(entry: { data: ArrayLike<number>; integers?: IntegerValues }): number {
  return entry.integers ? Number(entry.integers[0]) : entry.data[0]!;
}

function fromInput(name: string, entry: EntryInput, owner: string): { shape: readonly number[]; data: ArrayLike<number> } {
  if (!(entry instanceof Tensor)) return entry;
  if (entry.isDisposed) throw new Error(`simdgrad: ${owner}.loadStateDict: the tensor given for '${name}' has been disposed, so nothing was loaded; pass a live tensor or a { shape, data } entry.`);
  return { shape: entry.shape, data: entry.toFloat32Array() };
}

function entryProblems(name: string, target: Tensor, entry: { shape: readonly number[]; data: ArrayLike<number> } | undefined): string[] {
  if (!entry) return [];
  if (target.isDisposed) return [`'${name}': the model's tensor has been disposed`];
  const shape = entry.shape;
  if (!Array.isArray(shape) || shape.length !== target.ndim || shape.some((d, i) => d !== target.shape[i])) {
    return [`shape mismatch for '${name}': the state dict has ${Array.isArray(shape) ? formatShape(shape) : String(shape)}, the model has ${formatShape(target.shape)}`];
  }
  if (entry.data?.length !== shapeSize(shape)) {
    return [`'${name}': the state dict's data has ${entry.data?.length} values, but its shape ${formatShape(shape)} needs ${shapeSize(shape)}`];
  }
  return [];
}

function quoteAll(names: string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}
