import { formatShape, shapeSize } from '../shape-util.js';
import { DTYPES, DTYPE_LIST, isDtype, type SafetensorsDtype } from './safetensors-dtypes.js';

/**
 * The safetensors header: `[u64 little-endian N] [N bytes of JSON, padded with spaces]`, written
 * exactly as the reference writer (huggingface/safetensors, `prepare` and `Metadata::serialize`
 * in safetensors/src/tensor.rs) writes it, and read as strictly as its reader reads it.
 */

export const LENGTH_BYTES = 8;
/** The reference reader refuses longer headers; so do we, before reading them. */
export const MAX_HEADER_BYTES = 100_000_000;
// A valid header nests three deep: the header object, an entry, its shape (or offsets).
const MAX_NESTING = 3;
const METADATA_KEY = '__metadata__';
const TWO_POW_32 = 2 ** 32;
export const DECODE = 'decodeSafetensors';
export const ENCODE = 'encodeSafetensors';

/** One tensor's place in the file: offsets are into the data section, after the header. */
export interface HeaderEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

export interface ParsedHeader {
  /** Entries in data-section order. */
  entries: HeaderEntry[];
  metadata: Record<string, string>;
}

/**
 * The header bytes (length prefix, JSON, padding) for tensors in the reference writer's order:
 * by dtype, widest alignment first (the enum rank), then by name; `__metadata__` first.
 * Returns the entries in that order with their offsets.
 */
export function encodeHeader(tensors: { name: string; dtype: SafetensorsDtype; shape: readonly number[] }[], metadata: Record<string, string> | undefined): { header: Uint8Array; entries: HeaderEntry[]; dataBytes: number } {
  const ordered = [...tensors].sort((a, b) => DTYPES[b.dtype].rank - DTYPES[a.dtype].rank || compareCodePoints(a.name, b.name));
  let dataBytes = 0;
  const entries = ordered.map(({ name, dtype, shape }) => {
    const begin = dataBytes;
    dataBytes += shapeSize(shape) * DTYPES[dtype].bytes;
    return { name, dtype, shape: [...shape], begin, end: dataBytes };
  });
  const parts = metadata === undefined ? [] : [`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`];
  for (const { name, dtype, shape, begin, end } of entries) {
    parts.push(`${JSON.stringify(name)}:${JSON.stringify({ dtype, shape, data_offsets: [begin, end] })}`);
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const length = Math.ceil(json.length / LENGTH_BYTES) * LENGTH_BYTES;
  const header = new Uint8Array(LENGTH_BYTES + length).fill(0x20, LENGTH_BYTES + json.length);
  writeLength(header, length);
  header.set(json, LENGTH_BYTES);
  return { header, entries, dataBytes };
}

/** The JSON length from a file's first 8 bytes, checked against the cap and the file's size. */
export function readHeaderLength(first: Uint8Array, fileBytes: number): number {
  if (fileBytes < LENGTH_BYTES) {
    fail(`the data is ${fileBytes} bytes, but a safetensors file starts with an 8-byte header length; the file is truncated (save or download it again) or is not a safetensors file.`);
  }
  const view = new DataView(first.buffer, first.byteOffset, LENGTH_BYTES);
  const length = view.getUint32(0, true) + view.getUint32(4, true) * TWO_POW_32;
  if (length > MAX_HEADER_BYTES) {
    fail(`the header length says ${length} bytes, more than the ${MAX_HEADER_BYTES} the safetensors format allows; the file is corrupt or is not a safetensors file.`);
  }
  if (LENGTH_BYTES + length > fileBytes) {
    fail(`the header length says ${length} bytes, but only ${fileBytes - LENGTH_BYTES} follow it; the file is truncated (save or download it again) or is not a safetensors file.`);
  }
  return length;
}

/** Parses and checks the header JSON; the entries must tile `dataBytes` exactly. */
export function parseHeader(json: Uint8Array, dataBytes: number): ParsedHeader {
  const header = parseHeaderJson(json);
  const { [METADATA_KEY]: metadata, ...tensors } = header;
  const entries = Object.entries(tensors).map(([name, entry]) => checkedEntry(name, entry));
  return { entries: checkedLayout(entries, dataBytes), metadata: metadata === undefined ? {} : checkedMetadata(metadata, DECODE) };
}

export function checkedMetadata(metadata: unknown, op: string): Record<string, string> {
  if (!isPlainObject(metadata) || !Object.values(metadata).every((v) => typeof v === 'string')) {
    const fix = op === ENCODE ? 'convert numbers with String() or JSON.stringify()' : 'the file is corrupt';
    fail(`metadata must be an object of string values (as in Python's save_file), got ${JSON.stringify(metadata)}; ${fix}.`, op);
  }
  return { ...(metadata as Record<string, string>) };
}

export function isReservedName(name: string): boolean {
  return name === METADATA_KEY;
}

export function fail(message: string, op = DECODE): never {
  throw new Error(`simdgrad: ${op}: ${message}`);
}

function writeLength(header: Uint8Array, length: number): void {
  const view = new DataView(header.buffer, header.byteOffset, LENGTH_BYTES);
  view.setUint32(0, length % TWO_POW_32, true);
  view.setUint32(4, Math.floor(length / TWO_POW_32), true);
}

// The reference sorts Rust Strings, i.e. by UTF-8 bytes, which is code point order; JavaScript's
// `<` compares UTF-16 units, which differs once names mix astral and high-BMP characters.
function compareCodePoints(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const diff = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!;
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}

function parseHeaderJson(bytes: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    fail(`the header is not valid UTF-8 JSON (${(error as Error).message}); the file is corrupt or is not a safetensors file.`);
  }
  if (nestingDepth(text) > MAX_NESTING) {
    fail(`the header JSON nests deeper than the ${MAX_NESTING} levels of a safetensors header ({ name: { shape: [...] } }); the file is corrupt or is not a safetensors file.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    fail(`the header is not valid UTF-8 JSON (${(error as Error).message}); the file is corrupt or is not a safetensors file.`);
  }
  if (!isPlainObject(parsed)) {
    fail(`the header must be a JSON object mapping tensor names to entries, got ${describe(parsed)}; the file is corrupt or is not a safetensors file.`);
  }
  return parsed;
}

/** The deepest nesting of objects and arrays, skipping strings; stops counting past the limit. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length && deepest <= MAX_NESTING; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      deepest = Math.max(deepest, ++depth);
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

function checkedEntry(name: string, entry: unknown): HeaderEntry {
  const where = `tensor '${name}'`;
  const fields = isPlainObject(entry) ? entry : {};
  const missing = ['dtype', 'shape', 'data_offsets'].filter((field) => !(field in fields));
  if (missing.length > 0) {
    fail(`${where} has no ${missing.map((f) => `'${f}'`).join(', ')}; every header entry needs { dtype, shape, data_offsets }, so the file is corrupt.`);
  }
  const { dtype, shape, data_offsets: offsets } = fields;
  if (!isDtype(dtype)) {
    fail(`${where} has dtype ${JSON.stringify(dtype)}, but simdgrad reads only ${DTYPE_LIST}; convert it before saving (in PyTorch: {k: v.float() for k, v in state_dict.items()}).`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    fail(`${where} has shape ${JSON.stringify(shape)}; a shape must be a list of non-negative integers, so the file is corrupt.`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    fail(`${where} has data_offsets ${JSON.stringify(offsets)}; they must be [begin, end] with 0 <= begin <= end, so the file is corrupt.`);
  }
  return { name, dtype, shape: shape as number[], begin: offsets[0], end: offsets[1] };
}

/** Tensors must tile the data section exactly, in offset order: no overlap, no gap, nothing after. */
function checkedLayout(entries: HeaderEntry[], dataLength: number): HeaderEntry[] {
  for (const { name, dtype, shape, begin, end } of entries) {
    const expected = shapeSize(shape) * DTYPES[dtype].bytes;
    if (end - begin !== expected) {
      fail(`tensor '${name}' has data_offsets [${begin}, ${end}] (${end - begin} bytes), but shape ${formatShape(shape)} of ${dtype} needs ${expected} bytes; the file is corrupt.`);
    }
    if (end > dataLength) {
      fail(`tensor '${name}' has data_offsets [${begin}, ${end}], beyond the data section's ${dataLength} bytes; the file is truncated: save or download it again.`);
    }
  }
  const ordered = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let previous: HeaderEntry | undefined;
  for (const entry of ordered) {
    const previousEnd = previous?.end ?? 0;
    if (entry.begin < previousEnd) {
      fail(`tensors '${previous!.name}' [${previous!.begin}, ${previous!.end}] and '${entry.name}' [${entry.begin}, ${entry.end}] overlap in the data section; the file is corrupt.`);
    }
    if (entry.begin > previousEnd) {
      fail(`bytes [${previousEnd}, ${entry.begin}) of the data section, before tensor '${entry.name}', belong to no tensor; the file is corrupt.`);
    }
    previous = entry;
  }
  const used = previous?.end ?? 0;
  if (used !== dataLength) {
    fail(`the data section has ${dataLength} bytes, but the tensors use only ${used}; ${dataLength - used} trailing bytes mean the file is corrupt or was appended to.`);
  }
  return ordered;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : `${typeof value} ${String(value)}`;
}
