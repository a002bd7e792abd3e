import type { StateDict } from '../nn/state-dict.js';
import { formatShape, shapeSize } from '../shape-util.js';

/**
 * The safetensors format (https://huggingface.co/docs/safetensors), byte for byte as Python's
 * `safetensors.torch.save_file` / `load_file` read and write it:
 *
 *     [u64 little-endian: N] [N bytes: JSON header, padded with spaces] [raw little-endian data]
 *
 * The header maps each tensor name to `{ dtype, shape, data_offsets: [begin, end] }` (offsets into
 * the data section) and may hold string metadata under `__metadata__`. Pure byte handling with
 * no Node APIs, so it works in browsers and workers too.
 */

/** What encodeSafetensors() takes: a model's stateDict(), or a plain object of the same entries. */
export type SafetensorsInput = StateDict | Record<string, { shape: readonly number[]; data: Float32Array }>;

/** A decoded file: tensors in file order, ready for model.loadStateDict(), and the metadata. */
export interface SafetensorsContents {
  tensors: StateDict;
  metadata: Record<string, string>;
}

const LENGTH_BYTES = 8;
// Python's writer pads the header so the data section starts 8-byte aligned; so do we.
const HEADER_ALIGNMENT = 8;
const METADATA_KEY = '__metadata__';
const ELEMENT_BYTES: Record<string, number> = { F32: 4, F64: 8 };
const TWO_POW_32 = 2 ** 32;
const ENCODE = 'encodeSafetensors';
const DECODE = 'decodeSafetensors';

interface HeaderEntry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * A model's state dict as a safetensors file (every tensor F32), with optional string metadata
 * (e.g. `{ format: 'pt' }`, which Hugging Face loaders look for). Tensors keep their order.
 * Throws if a tensor holds NaN or Infinity: such a file could never be loaded again.
 */
export function encodeSafetensors(state: SafetensorsInput, metadata?: Record<string, string>): Uint8Array {
  if (!(state instanceof Map) && (state === null || typeof state !== 'object' || Array.isArray(state) || ArrayBuffer.isView(state))) {
    fail(ENCODE, `expected a state dict (an object or Map of name -> Tensor), got ${describe(state)}; pass e.g. model.stateDict().`);
  }
  const entries = state instanceof Map ? [...state] : Object.entries(state);
  let dataBytes = 0;
  const headerParts: string[] = metadata === undefined ? [] : [`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(checkedMetadata(metadata, ENCODE))}`];
  for (const [name, entry] of entries) {
    checkEncodable(name, entry);
    const begin = dataBytes;
    dataBytes += entry.data.length * ELEMENT_BYTES.F32!;
    headerParts.push(`${JSON.stringify(name)}:${JSON.stringify({ dtype: 'F32', shape: [...entry.shape], data_offsets: [begin, dataBytes] })}`);
  }
  const json = new TextEncoder().encode(`{${headerParts.join(',')}}`);
  const headerLength = Math.ceil(json.length / HEADER_ALIGNMENT) * HEADER_ALIGNMENT;
  const bytes = new Uint8Array(LENGTH_BYTES + headerLength + dataBytes);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, headerLength % TWO_POW_32, true);
  view.setUint32(4, Math.floor(headerLength / TWO_POW_32), true);
  bytes.set(json, LENGTH_BYTES);
  bytes.fill(0x20, LENGTH_BYTES + json.length, LENGTH_BYTES + headerLength);
  let offset = LENGTH_BYTES + headerLength;
  for (const [, { data }] of entries) {
    for (let i = 0; i < data.length; i++, offset += 4) view.setFloat32(offset, data[i]!, true);
  }
  return bytes;
}

/**
 * Reads a safetensors file (from this library or from Python's save_file). F32 and F64 tensors
 * are accepted (F64 is rounded to f32); the layout is checked strictly and every value must be
 * finite, so a truncated or corrupt file throws a clear Error instead of loading garbage.
 */
export function decodeSafetensors(bytes: Uint8Array | ArrayBuffer): SafetensorsContents {
  const file = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null;
  if (!file) {
    fail(DECODE, `expected a Uint8Array or ArrayBuffer with the file's bytes, got ${describe(bytes)}; pass e.g. await readFile(path) or await response.arrayBuffer().`);
  }
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const header = readHeader(file, view);
  const dataStart = LENGTH_BYTES + header.length;
  const entries = checkedLayout(header.entries, file.length - dataStart);
  const tensors: StateDict = new Map(entries.map((entry) => [entry.name, { shape: entry.shape, data: readValues(view, dataStart, entry) }]));
  return { tensors, metadata: header.metadata };
}

function readHeader(file: Uint8Array, view: DataView): { length: number; entries: HeaderEntry[]; metadata: Record<string, string> } {
  if (file.length < LENGTH_BYTES) {
    fail(DECODE, `the data is ${file.length} bytes, but a safetensors file starts with an 8-byte header length; the file is truncated (save or download it again) or is not a safetensors file.`);
  }
  const length = view.getUint32(0, true) + view.getUint32(4, true) * TWO_POW_32;
  if (LENGTH_BYTES + length > file.length) {
    fail(DECODE, `the header length says ${length} bytes, but only ${file.length - LENGTH_BYTES} follow it; the file is truncated (save or download it again) or is not a safetensors file.`);
  }
  const header = parseHeaderJson(file.subarray(LENGTH_BYTES, LENGTH_BYTES + length));
  const { [METADATA_KEY]: metadata, ...tensors } = header;
  return { length, entries: Object.entries(tensors).map(([name, entry]) => checkedEntry(name, entry)), metadata: metadata === undefined ? {} : checkedMetadata(metadata, DECODE) };
}

function parseHeaderJson(bytes: Uint8Array): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    fail(DECODE, `the header is not valid UTF-8 JSON (${(error as Error).message}); the file is corrupt or is not a safetensors file.`);
  }
  if (!isPlainObject(parsed)) {
    fail(DECODE, `the header must be a JSON object mapping tensor names to entries, got ${describe(parsed)}; the file is corrupt or is not a safetensors file.`);
  }
  return parsed;
}

function checkedEntry(name: string, entry: unknown): HeaderEntry {
  const where = `tensor '${name}'`;
  const fields = isPlainObject(entry) ? entry : {};
  const missing = ['dtype', 'shape', 'data_offsets'].filter((field) => !(field in fields));
  if (missing.length > 0) {
    fail(DECODE, `${where} has no ${missing.map((f) => `'${f}'`).join(', ')}; every header entry needs { dtype, shape, data_offsets }, so the file is corrupt.`);
  }
  const { dtype, shape, data_offsets: offsets } = fields;
  if (typeof dtype !== 'string' || !(dtype in ELEMENT_BYTES)) {
    fail(DECODE, `${where} has dtype ${JSON.stringify(dtype)}, but only F32 and F64 can be loaded; convert it before saving (in PyTorch: {k: v.float() for k, v in state_dict.items()}).`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    fail(DECODE, `${where} has shape ${JSON.stringify(shape)}; a shape must be a list of non-negative integers, so the file is corrupt.`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    fail(DECODE, `${where} has data_offsets ${JSON.stringify(offsets)}; they must be [begin, end] with 0 <= begin <= end, so the file is corrupt.`);
  }
  return { name, dtype, shape: shape as number[], begin: offsets[0], end: offsets[1] };
}

/** Tensors must tile the data section exactly, in offset order: no overlap, no gap, nothing after. */
function checkedLayout(entries: HeaderEntry[], dataLength: number): HeaderEntry[] {
  for (const { name, dtype, shape, begin, end } of entries) {
    const expected = shapeSize(shape) * ELEMENT_BYTES[dtype]!;
    if (end - begin !== expected) {
      fail(DECODE, `tensor '${name}' has data_offsets [${begin}, ${end}] (${end - begin} bytes), but shape ${formatShape(shape)} of ${dtype} needs ${expected} bytes; the file is corrupt.`);
    }
    if (end > dataLength) {
      fail(DECODE, `tensor '${name}' has data_offsets [${begin}, ${end}], beyond the data section's ${dataLength} bytes; the file is truncated: save or download it again.`);
    }
  }
  const ordered = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let previous: HeaderEntry | undefined;
  for (const entry of ordered) {
    const previousEnd = previous?.end ?? 0;
    if (entry.begin < previousEnd) {
      fail(DECODE, `tensors '${previous!.name}' [${previous!.begin}, ${previous!.end}] and '${entry.name}' [${entry.begin}, ${entry.end}] overlap in the data section; the file is corrupt.`);
    }
    if (entry.begin > previousEnd) {
      fail(DECODE, `bytes [${previousEnd}, ${entry.begin}) of the data section, before tensor '${entry.name}', belong to no tensor; the file is corrupt.`);
    }
    previous = entry;
  }
  const used = previous?.end ?? 0;
  if (used !== dataLength) {
    fail(DECODE, `the data section has ${dataLength} bytes, but the tensors use only ${used}; ${dataLength - used} trailing bytes mean the file is corrupt or was appended to.`);
  }
  return ordered;
}

function readValues(view: DataView, dataStart: number, { name, dtype, begin, end }: HeaderEntry): Float32Array {
  const bytesPerValue = ELEMENT_BYTES[dtype]!;
  const values = new Float32Array((end - begin) / bytesPerValue);
  for (let i = 0, offset = dataStart + begin; i < values.length; i++, offset += bytesPerValue) {
    const value = bytesPerValue === 4 ? view.getFloat32(offset, true) : view.getFloat64(offset, true);
    values[i] = value;
    if (!Number.isFinite(values[i])) {
      const what = Number.isFinite(value) ? `${value}, too large for float32,` : String(value);
      fail(DECODE, `tensor '${name}' holds ${what} at index ${i}; refusing to load weights that are corrupt or come from a diverged model. Save them again from a healthy model.`);
    }
  }
  return values;
}

function checkEncodable(name: string, entry: { shape: readonly number[]; data: Float32Array }): void {
  const where = `tensor '${name}'`;
  if (name === METADATA_KEY) fail(ENCODE, `the name '${METADATA_KEY}' is reserved for the file's metadata; rename that tensor.`);
  if (typeof entry !== 'object' || entry === null || !(entry.data instanceof Float32Array) || !Array.isArray(entry.shape)) {
    fail(ENCODE, `${where} must be { shape: number[], data: Float32Array }, as model.stateDict() returns, got ${describe(entry)}.`);
  }
  if (!entry.shape.every(isCount) || shapeSize(entry.shape) !== entry.data.length) {
    fail(ENCODE, `${where} has shape ${JSON.stringify(entry.shape)} but ${entry.data.length} values; the shape must be non-negative integers whose product is the number of values.`);
  }
  const bad = firstNonFinite(entry.data);
  if (bad >= 0) {
    fail(ENCODE, `${where} holds ${entry.data[bad]} at index ${bad}, and a file with it could never be loaded; the model has diverged: lower the learning rate or clip gradients, or save an earlier checkpoint.`);
  }
}

function checkedMetadata(metadata: unknown, op: string): Record<string, string> {
  if (!isPlainObject(metadata) || !Object.values(metadata).every((v) => typeof v === 'string')) {
    const fix = op === ENCODE ? 'convert numbers with String() or JSON.stringify()' : 'the file is corrupt';
    fail(op, `metadata must be an object of string values (as in Python's save_file), got ${JSON.stringify(metadata)}; ${fix}.`);
  }
  return { ...(metadata as Record<string, string>) };
}

// A plain loop: findIndex with a callback is several times slower on large weights.
function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : `${typeof value} ${String(value)}`;
}

function fail(op: string, message: string): never {
  throw new Error(`simdgrad: ${op}: ${message}`);
}
