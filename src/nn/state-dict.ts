import { backend } from '../backend/backend.js';
import type { IntegerValues, SafetensorsDtype } from '../io/safetensors-dtypes.js';
import { formatShape, shapeSize } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { describeKind, NON_FINITE_STATE_FIX, stateValuesProblem, type StateValuesProblem } from './state-validation.js';
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
  /** Require the keys to match the model's exactly (default true), as PyTorch's strict. Shapes and values (finite float32 numbers) are checked either way. */
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

/**
 * Validates everything first, then copies: a failed load never leaves the model half-overwritten.
 * Every entry that would be loaded must be { shape, data } or a Tensor, with the target's shape
 * and finite float32 values, whatever `strict` says: strict only decides whether missing and
 * unexpected keys are errors, as in PyTorch.
 */
export function loadIntoTensors(named: [string, Tensor][], state: StateDictInput, options: LoadStateDictOptions, owner: string): LoadStateDictResult {
  const strict = options.strict ?? true;
  const entries = readEntries(state, owner);
  const targets = new Map(named);
  const missingKeys = [...targets.keys()].filter((name) => !entries.has(name));
  const unexpectedKeys = [...entries.keys()].filter((name) => !targets.has(name));
  const loads = [...targets].filter(([name]) => entries.has(name)).map(([name, t]) => ({ name, target: t, entry: resolveEntry(name, entries.get(name), owner) }));
  const problems = [
    ...(strict && missingKeys.length > 0 ? [layout(`missing keys: ${quoteAll(missingKeys)}`)] : []),
    ...(strict && unexpectedKeys.length > 0 ? [layout(`unexpected keys: ${quoteAll(unexpectedKeys)}`)] : []),
    ...loads.flatMap(({ name, target, entry }) => entryProblem(name, target, entry) ?? []),
  ];
  if (problems.length > 0) throw loadError(owner, strict, problems);
  const memory = backend().allocator.f32();
  for (const { target, entry } of loads) {
    memory.set((entry as CheckedEntry).data, target.ptr >>> 2);
    countOf(target)?.set(exactCount(entry as CheckedEntry));
  }
  return { missingKeys: strict ? [] : missingKeys, unexpectedKeys: strict ? [] : unexpectedKeys };
}

function loadError(owner: string, strict: boolean, problems: StateValuesProblem[]): Error {
  const fixes = [
    ...(problems.some((p) => p.kind === 'layout') ? ['Load a state dict saved from the same architecture' + (strict ? ', or pass { strict: false } to skip missing and unexpected keys.' : '.')] : []),
    ...(problems.some((p) => p.kind === 'values') ? [NON_FINITE_STATE_FIX] : []),
  ];
  return new Error(
    `simdgrad: ${owner}.loadStateDict: the state dict does not fit this model, so nothing was loaded:\n` +
      problems.map((p) => `  - ${p.message}`).join('\n') + `\n${fixes.join('\n')}`,
  );
}

function layout(message: string): StateValuesProblem {
  return { kind: 'layout', message };
}

interface CheckedEntry {
  shape: readonly number[];
  data: ArrayLike<number>;
  integers?: IntegerValues;
}

function exactCount(entry: CheckedEntry): number {
  return entry.integers ? Number(entry.integers[0]) : entry.data[0]!;
}

function readEntries(state: StateDictInput, owner: string): Map<string, unknown> {
  if (state instanceof Map) return state;
  if (typeof state !== 'object' || state === null || Array.isArray(state)) {
    throw new Error(`simdgrad: ${owner}.loadStateDict: expected a state dict (a Map or an object of { shape, data } entries, as stateDict() returns), got ${describeKind(state)}.`);
  }
  return new Map(Object.entries(state));
}

// A Tensor's values as an entry; anything else as given, for entryProblem to check.
function resolveEntry(name: string, entry: unknown, owner: string): unknown {
  if (!(entry instanceof Tensor)) return entry;
  if (entry.isDisposed) throw new Error(`simdgrad: ${owner}.loadStateDict: the tensor given for '${name}' has been disposed, so nothing was loaded; pass a live tensor or a { shape, data } entry.`);
  return { shape: entry.shape, data: entry.toFloat32Array() };
}

function entryProblem(name: string, target: Tensor, entry: unknown): StateValuesProblem | null {
  if (target.isDisposed) return layout(`'${name}': the model's tensor has been disposed`);
  if (typeof entry !== 'object' || entry === null) return layout(`'${name}': the state dict's entry is ${describeKind(entry)}, not { shape, data } or a Tensor`);
  const { shape, data } = entry as { shape?: unknown; data?: unknown };
  if (!Array.isArray(shape) || shape.length !== target.ndim || shape.some((d, i) => d !== target.shape[i])) {
    return layout(`shape mismatch for '${name}': the state dict has ${Array.isArray(shape) ? formatShape(shape) : String(shape)}, the model has ${formatShape(target.shape)}`);
  }
  const size = shapeSize(shape as number[]);
  const problem = stateValuesProblem(data, size, "the state dict's data", `its shape ${formatShape(shape as number[])} needs ${size}`);
  return problem && { ...problem, message: `'${name}': ${problem.message}` };
}

function quoteAll(names: string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}
