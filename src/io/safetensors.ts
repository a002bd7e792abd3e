import type { StateDict } from '../nn/state-dict.js';
import { shapeSize } from '../shape-util.js';
import {
  decodeValues, DTYPES, encodeValues, firstNonFinite, firstNonInteger, firstOverflow, firstOutOfRange, integerArrayName, isDtype, isIntegerArrayFor, DTYPE_LIST,
  type IntegerValues, type SafetensorsDtype,
} from './safetensors-dtypes.js';
import { checkedMetadata, describe, ENCODE, encodeHeader, fail, isReservedName, LENGTH_BYTES, parseHeader, readHeaderLength, type HeaderEntry } from './safetensors-header.js';

/**
 * The safetensors format (https://huggingface.co/docs/safetensors):
 *
 *     [u64 little-endian: N] [N bytes: JSON header, padded with spaces] [raw little-endian data]
 *
 * The header maps each tensor name to `{ dtype, shape, data_offsets: [begin, end] }` (offsets into
 * the data section) and may hold string metadata under `__metadata__`. The writer orders tensors
 * and formats the header as the reference writer (Python's `safetensors.torch.save_file`) does,
 * so the same tensors and metadata give the same bytes; the one exception is the order of two or
 * more metadata entries, which the reference takes from a hash map (it varies from run to run)
 * and simdgrad keeps as given. Pure byte handling with no Node APIs, so it works in browsers and
 * workers too.
 */

/**
 * One tensor to write: float32 values, stored as `dtype` (default F32). Integer dtypes take the
 * values' whole numbers, or `integers` (the exact values, e.g. a BigInt64Array for I64) when given.
 */
export interface SafetensorsEntry {
  shape: readonly number[];
  data: Float32Array;
  dtype?: SafetensorsDtype;
  integers?: IntegerValues;
}

/** What encodeSafetensors() takes: a model's stateDict(), or a plain object of entries. */
export type SafetensorsInput = StateDict | Map<string, SafetensorsEntry> | Record<string, SafetensorsEntry>;

/**
 * A decoded tensor: float32 values for loadStateDict(); `dtype` when the file stores another type
 * than F32, and for integer types `integers`, the exact stored values.
 */
export interface SafetensorsTensor extends SafetensorsEntry {
  shape: number[];
}

/** A decoded file: tensors in file order, ready for model.loadStateDict(), and the metadata. */
export interface SafetensorsContents {
  tensors: Map<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

/** A file about to be written: its header bytes, then each tensor's bytes in order. */
export interface SafetensorsPlan {
  header: Uint8Array;
  tensors: { name: string; bytes: () => Uint8Array }[];
  /** The whole file's size in bytes. */
  size: number;
}

/**
 * A state dict as a safetensors file, with optional string metadata (e.g. `{ format: 'pt' }`,
 * which Hugging Face loaders look for). Throws if a float tensor holds NaN or Infinity (such a
 * file could never be loaded again) or an integer tensor a value its dtype cannot hold.
 */
export function encodeSafetensors(state: SafetensorsInput, metadata?: Record<string, string>): Uint8Array {
  if (!(state instanceof Map) && (state === null || typeof state !== 'object' || Array.isArray(state) || ArrayBuffer.isView(state))) {
    fail(`expected a state dict (an object or Map of name -> Tensor), got ${describe(state)}; pass e.g. model.stateDict().`, ENCODE);
  }
  const plan = planSafetensors(state, metadata);
  const bytes = new Uint8Array(plan.size);
  bytes.set(plan.header);
  let offset = plan.header.length;
  for (const tensor of plan.tensors) {
    const data = tensor.bytes();
    bytes.set(data, offset);
    offset += data.length;
  }
  return bytes;
}

/**
 * Checks every entry and lays the file out, without encoding the values yet: a writer can then
 * stream each tensor's bytes (bytes() is a view of a F32 tensor's own values, not a copy).
 */
export function planSafetensors(state: SafetensorsInput, metadata?: Record<string, string>): SafetensorsPlan {
  const entries = state instanceof Map ? [...state] : Object.entries(state);
  for (const [name, entry] of entries) checkEncodable(name, entry);
  const sources = new Map<string, SafetensorsEntry>(entries);
  const tensors = entries.map(([name, entry]) => ({ name, dtype: entry.dtype ?? 'F32', shape: entry.shape }));
  const { header, entries: layout, dataBytes } = encodeHeader(tensors, metadata === undefined ? undefined : checkedMetadata(metadata, ENCODE));
  return {
    header,
    tensors: layout.map(({ name, dtype }) => {
      const { data, integers } = sources.get(name)!;
      return { name, bytes: () => encodeValues(dtype, data, DTYPES[dtype].integer ? integers : undefined) };
    }),
    size: header.length + dataBytes,
  };
}

/**
 * Reads a safetensors file (from this library or from Python's save_file): F64, F32, F16, BF16,
 * I64, I32, I16, I8, U8 and BOOL tensors, each also as float32 values. The layout is checked
 * strictly and every float value must be finite, so a truncated or corrupt file throws a clear
 * Error instead of loading garbage.
 */
export function decodeSafetensors(bytes: Uint8Array | ArrayBuffer): SafetensorsContents {
  const file = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null;
  if (!file) {
    fail(`expected a Uint8Array or ArrayBuffer with the file's bytes, got ${describe(bytes)}; pass e.g. await readFile(path) or await response.arrayBuffer().`);
  }
  const length = readHeaderLength(file.subarray(0, LENGTH_BYTES), file.length);
  const dataStart = LENGTH_BYTES + length;
  const header = parseHeader(file.subarray(LENGTH_BYTES, dataStart), file.length - dataStart);
  const tensors = new Map(header.entries.map((entry) => [entry.name, decodeTensor(entry, file.slice(dataStart + entry.begin, dataStart + entry.end))]));
  return { tensors, metadata: header.metadata };
}

/** One tensor from its stored bytes (a copy the decoder may keep as the values' storage). */
export function decodeTensor({ name, dtype, shape }: HeaderEntry, bytes: Uint8Array<ArrayBuffer>): SafetensorsTensor {
  const { data, integers, bad, badValue } = decodeValues(dtype, bytes);
  if (bad >= 0) {
    const what = badValue === undefined ? String(data[bad]) : `${badValue}, too large for float32,`;
    fail(`tensor '${name}' holds ${what} at index ${bad}; refusing to load weights that are corrupt or come from a diverged model. Save them again from a healthy model.`);
  }
  if (integers && firstOutOfRange(dtype, integers) >= 0) {
    const at = firstOutOfRange(dtype, integers);
    fail(`tensor '${name}' of dtype BOOL holds ${integers[at]} at index ${at}, but a BOOL is 0 or 1; the file is corrupt.`);
  }
  return { shape, data, ...(dtype === 'F32' ? {} : { dtype }), ...(integers ? { integers } : {}) };
}

function checkEncodable(name: string, entry: SafetensorsEntry): void {
  const where = `tensor '${name}'`;
  if (isReservedName(name)) fail(`the name '${name}' is reserved for the file's metadata; rename that tensor.`, ENCODE);
  if (typeof entry !== 'object' || entry === null || !(entry.data instanceof Float32Array) || !Array.isArray(entry.shape)) {
    fail(`${where} must be { shape: number[], data: Float32Array }, as model.stateDict() returns, got ${describe(entry)}.`, ENCODE);
  }
  if (!entry.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || shapeSize(entry.shape) !== entry.data.length) {
    fail(`${where} has shape ${JSON.stringify(entry.shape)} but ${entry.data.length} values; the shape must be non-negative integers whose product is the number of values.`, ENCODE);
  }
  const dtype = entry.dtype ?? 'F32';
  if (!isDtype(dtype)) fail(`${where} has dtype ${JSON.stringify(dtype)}; use one of ${DTYPE_LIST}.`, ENCODE);
  if (DTYPES[dtype].integer) {
    checkIntegers(where, dtype, entry);
    return;
  }
  checkFinite(where, entry.data);
  const overflow = firstOverflow(dtype, entry.data);
  if (overflow >= 0) fail(`${where} holds ${entry.data[overflow]} at index ${overflow}, too large for ${dtype} (it would be stored as Infinity); store it as F32.`, ENCODE);
}

function checkFinite(where: string, data: Float32Array): void {
  const bad = firstNonFinite(data);
  if (bad >= 0) {
    fail(`${where} holds ${data[bad]} at index ${bad}, and a file with it could never be loaded; the model has diverged: lower the learning rate or clip gradients, or save an earlier checkpoint.`, ENCODE);
  }
}

function checkIntegers(where: string, dtype: SafetensorsDtype, { data, integers }: SafetensorsEntry): void {
  if (integers !== undefined) {
    if (!isIntegerArrayFor(dtype, integers) || integers.length !== data.length) {
      fail(`${where} has dtype ${dtype}, so its integers must be a ${integerArrayName(dtype)} of ${data.length} values, got ${describe(integers)} of ${(integers as { length?: number }).length}.`, ENCODE);
    }
    const out = firstOutOfRange(dtype, integers);
    if (out >= 0) fail(`${where} has dtype BOOL but holds ${integers[out]} at index ${out}; a BOOL is 0 or 1.`, ENCODE);
    return;
  }
  const bad = firstNonInteger(dtype, data);
  if (bad >= 0) fail(`${where} has dtype ${dtype}, which cannot store ${data[bad]} (index ${bad}); store it as F32, or pass whole numbers in range.`, ENCODE);
}
