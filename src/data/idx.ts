import { gunzip, isGzip } from './gunzip.js';
import { checkBytes, describe } from '../check-args.js';

/** The typed array an IDX element type decodes to. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** An n-dimensional array read from an IDX (MNIST-format) file: row-major data plus its shape. */
export interface IdxArray {
  shape: number[];
  data: IdxData;
}

interface ElementType {
  code: number;
  name: string;
  bytes: number;
  decode(view: DataView, offset: number, count: number): IdxData;
  encode(view: DataView, offset: number, value: number): void;
}

// Multi-byte values are big-endian in IDX, so they are read one by one through a DataView;
// single bytes need no conversion and are returned as views of the input.
const ELEMENT_TYPES: readonly ElementType[] = [
  { code: 0x08, name: 'uint8', bytes: 1, decode: (v, o, n) => new Uint8Array(v.buffer, v.byteOffset + o, n), encode: (v, o, x) => v.setUint8(o, x) },
  { code: 0x09, name: 'int8', bytes: 1, decode: (v, o, n) => new Int8Array(v.buffer, v.byteOffset + o, n), encode: (v, o, x) => v.setInt8(o, x) },
  { code: 0x0b, name: 'int16', bytes: 2, decode: (v, o, n) => readBigEndian(new Int16Array(n), o, 2, (at) => v.getInt16(at)), encode: (v, o, x) => v.setInt16(o, x) },
  { code: 0x0c, name: 'int32', bytes: 4, decode: (v, o, n) => readBigEndian(new Int32Array(n), o, 4, (at) => v.getInt32(at)), encode: (v, o, x) => v.setInt32(o, x) },
  { code: 0x0d, name: 'float32', bytes: 4, decode: (v, o, n) => readBigEndian(new Float32Array(n), o, 4, (at) => v.getFloat32(at)), encode: (v, o, x) => v.setFloat32(o, x) },
  { code: 0x0e, name: 'float64', bytes: 8, decode: (v, o, n) => readBigEndian(new Float64Array(n), o, 8, (at) => v.getFloat64(at)), encode: (v, o, x) => v.setFloat64(o, x) },
];

const TYPE_LIST = ELEMENT_TYPES.map((t) => `${hex(t.code)} (${t.name})`).join(', ');

/**
 * Reads an uncompressed IDX file: two zero bytes, a type code, the number of dimensions, each
 * dimension as a big-endian uint32, then the values. uint8 and int8 data are views of `bytes`.
 */
export function parseIdx(bytes: Uint8Array): IdxArray {
  bytes = checkBytes('parseIdx', 'bytes', bytes);
  if (bytes.length < 4) {
    throw new Error(`simdgrad: parseIdx: got ${bytes.length} bytes, fewer than the 4-byte IDX magic number; pass the whole file's bytes.`);
  }
  checkMagic(bytes);
  const type = elementType(bytes[2]!);
  const ndim = bytes[3]!;
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new Error(`simdgrad: parseIdx: the header declares ${ndim} dimensions (${headerBytes} header bytes) but the file has only ${bytes.length} bytes; it is truncated: re-download it.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: ndim }, (_, d) => view.getUint32(4 + 4 * d));
  const count = shape.reduce((n, d) => n * d, 1);
  const dataBytes = bytes.length - headerBytes;
  if (dataBytes !== count * type.bytes) {
    const problem = dataBytes < count * type.bytes ? 'the file is truncated: re-download it' : `${dataBytes - count * type.bytes} bytes are left over: the file is corrupt or not one IDX array`;
    throw new Error(
      `simdgrad: parseIdx: shape [${shape.join(', ')}] of ${type.name} needs ${count * type.bytes} data bytes after the ${headerBytes}-byte header, ` +
        `but ${dataBytes} follow; ${problem}.`,
    );
  }
  return { shape, data: type.decode(view, headerBytes, count) };
}

/** Reads an IDX file, gunzipping it first when it is gzipped (as the published .gz files are). */
export async function decodeIdx(bytes: Uint8Array | ArrayBuffer): Promise<IdxArray> {
  checkBytes('decodeIdx', 'bytes', bytes);
  const input = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return parseIdx(isGzip(input) ? await gunzip(input, 'decodeIdx', declaredIdxBytes) : input);
}

/** The file's size as its header declares it, once `head` holds the header (checked as it arrives). */
function declaredIdxBytes(head: Uint8Array): number | undefined {
  if (head.length < 4) return undefined;
  checkMagic(head);
  const type = elementType(head[2]!);
  const headerBytes = 4 + 4 * head[3]!;
  if (head.length < headerBytes) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, headerBytes);
  let count = 1;
  for (let d = 0; d < head[3]!; d++) count *= view.getUint32(4 + 4 * d);
  return headerBytes + count * type.bytes;
}

/** Writes an array as uncompressed IDX bytes; the element type follows the typed array's type. */
export function encodeIdx(array: IdxArray): Uint8Array {
  if (!ArrayBuffer.isView((array as Partial<IdxArray> | null)?.data) || !Array.isArray((array as Partial<IdxArray>).shape)) {
    throw new Error(`simdgrad: encodeIdx: expected { data: a typed array, shape: number[] }, got ${describe(array)}.`);
  }
  const type = ELEMENT_TYPES.find((t) => t.name === typeName(array.data))!;
  const count = array.shape.reduce((n, d) => n * d, 1);
  if (count !== array.data.length || array.shape.length > 255) {
    throw new Error(`simdgrad: encodeIdx: shape [${array.shape.join(', ')}] holds ${count} values but data has ${array.data.length} (and IDX allows at most 255 dimensions); pass a shape whose product is the data length.`);
  }
  const headerBytes = 4 + 4 * array.shape.length;
  const bytes = new Uint8Array(headerBytes + count * type.bytes);
  const view = new DataView(bytes.buffer);
  bytes[2] = type.code;
  bytes[3] = array.shape.length;
  array.shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  for (let i = 0; i < count; i++) type.encode(view, headerBytes + i * type.bytes, array.data[i]!);
  return bytes;
}

function checkMagic(bytes: Uint8Array): void {
  if (bytes[0] === 0 && bytes[1] === 0) return;
  const found = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new Error(`simdgrad: parseIdx: the bytes start with ${found}, a gzip stream, not an IDX header; use await decodeIdx(bytes), which gunzips first.`);
  }
  throw new Error(`simdgrad: parseIdx: bad magic number ${found}; an IDX file starts with two zero bytes, a type code and the number of dimensions. Is this an MNIST-format (IDX) file?`);
}

function elementType(code: number): ElementType {
  const type = ELEMENT_TYPES.find((t) => t.code === code);
  if (!type) throw new Error(`simdgrad: parseIdx: unknown element type code ${hex(code)} (third byte); IDX defines ${TYPE_LIST}. The file is corrupt or not IDX.`);
  return type;
}

function readBigEndian<T extends IdxData>(out: T, offset: number, bytes: number, read: (at: number) => number): T {
  for (let i = 0; i < out.length; i++) out[i] = read(offset + i * bytes);
  return out;
}

function typeName(data: IdxData): string {
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Float32Array) return 'float32';
  return 'float64';
}

function hex(code: number): string {
  return `0x${code.toString(16).padStart(2, '0')}`;
}
