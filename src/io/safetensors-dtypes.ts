/**
 * The safetensors element types simdgrad reads and writes, and their conversion to and from the
 * float32 values tensors hold. Integer types also keep their exact stored values (`integers`),
 * since an int64 count or a uint8 mask must survive a load and a save unchanged.
 */

export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** The exact stored values of an integer tensor: I64 as BigInt64Array, BOOL as Uint8Array of 0 and 1. */
export type IntegerValues = BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

interface DtypeInfo {
  bytes: number;
  /** Rank in the reference writer's `Dtype` enum, whose order it sorts tensors by (descending). */
  rank: number;
  integer: boolean;
  /** The smallest and largest value an integer type holds. */
  range?: [number, number];
}

// The ranks follow the declaration order of `enum Dtype` in huggingface/safetensors
// (safetensors/src/tensor.rs): BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32, C64, F64, I64, U64.
export const DTYPES: Readonly<Record<SafetensorsDtype, DtypeInfo>> = {
  BOOL: { bytes: 1, rank: 0, integer: true, range: [0, 1] },
  U8: { bytes: 1, rank: 1, integer: true, range: [0, 255] },
  I8: { bytes: 1, rank: 2, integer: true, range: [-128, 127] },
  I16: { bytes: 2, rank: 3, integer: true, range: [-32768, 32767] },
  F16: { bytes: 2, rank: 5, integer: false },
  BF16: { bytes: 2, rank: 6, integer: false },
  I32: { bytes: 4, rank: 7, integer: true, range: [-(2 ** 31), 2 ** 31 - 1] },
  F32: { bytes: 4, rank: 9, integer: false },
  F64: { bytes: 8, rank: 11, integer: false },
  I64: { bytes: 8, rank: 12, integer: true, range: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] },
};

export function isDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.hasOwn(DTYPES, value);
}

export const DTYPE_LIST = 'F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL';

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** A decoded tensor's values: float32 for a model, and for integer types the exact stored ones. */
export interface DecodedValues {
  data: Float32Array;
  integers?: IntegerValues;
}

/**
 * Decodes `bytes` (little-endian, as stored; the caller's copy, which this may reuse) of `dtype`.
 * Returns the index of the first value float32 cannot hold (NaN, ±Infinity, or F64 beyond
 * float32's range) as `bad`, or -1.
 */
export function decodeValues(dtype: SafetensorsDtype, bytes: Uint8Array<ArrayBuffer>): DecodedValues & { bad: number; badValue?: number } {
  const raw = typedView(dtype, toHostOrder(bytes, DTYPES[dtype].bytes));
  if (dtype === 'F32') return { data: raw as Float32Array, bad: firstNonFinite(raw as Float32Array) };
  if (dtype === 'F64') return fromFloat64(raw as Float64Array);
  if (dtype === 'F16' || dtype === 'BF16') {
    const data = dtype === 'F16' ? Float32Array.from(raw as Uint16Array, halfToFloat) : bfloat16ToFloat32(raw as Uint16Array);
    return { data, bad: firstNonFinite(data) };
  }
  const integers = raw as IntegerValues;
  const data = integers instanceof BigInt64Array ? Float32Array.from(integers, Number) : Float32Array.from(integers);
  return { data, integers, bad: -1 };
}

/**
 * The little-endian bytes of values stored as `dtype`: `integers` when given (exact), else `data`
 * rounded to the type (float types) or checked to be whole numbers in range (integer types).
 * Returns a view of `data` itself for F32 on little-endian hosts, so large tensors are not copied.
 */
export function encodeValues(dtype: SafetensorsDtype, data: Float32Array, integers?: IntegerValues): Uint8Array {
  const values = integers ?? fromFloat32(dtype, data);
  return toLittleEndian(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), DTYPES[dtype].bytes);
}

/** The index of the first value of `data` that `dtype` cannot store exactly as an integer, or -1. */
export function firstNonInteger(dtype: SafetensorsDtype, data: ArrayLike<number>): number {
  const [low, high] = DTYPES[dtype].range!;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isInteger(v) || v < low || v > high) return i;
  }
  return -1;
}

// The least magnitudes that round to Infinity: halfway between the largest finite value and 2^16
// (F16) or 2^128 (BF16); ties go to the even neighbour, which is Infinity.
const OVERFLOW: Partial<Record<SafetensorsDtype, number>> = { F16: 2 ** 16 - 2 ** 4, BF16: 2 ** 128 - 2 ** 119 };

/** The index of the first value of `data` that `dtype` (a float type) would store as ±Infinity, or -1. */
export function firstOverflow(dtype: SafetensorsDtype, data: Float32Array): number {
  const limit = OVERFLOW[dtype];
  if (limit === undefined) return -1;
  for (let i = 0; i < data.length; i++) if (Math.abs(data[i]!) >= limit) return i;
  return -1;
}

/** The index of the first value of `integers` outside `dtype`'s range (BOOL holds only 0 and 1), or -1. */
export function firstOutOfRange(dtype: SafetensorsDtype, integers: IntegerValues): number {
  if (dtype !== 'BOOL') return -1;
  return integers.findIndex((v) => v !== 0 && v !== 1);
}

/** Which typed array holds `dtype`'s exact stored values. */
export function integerArrayName(dtype: SafetensorsDtype): string {
  return { I64: 'BigInt64Array', I32: 'Int32Array', I16: 'Int16Array', I8: 'Int8Array', U8: 'Uint8Array', BOOL: 'Uint8Array' }[dtype as 'I64'];
}

export function isIntegerArrayFor(dtype: SafetensorsDtype, values: unknown): values is IntegerValues {
  return (values as object)?.constructor?.name === integerArrayName(dtype) && ArrayBuffer.isView(values);
}

// A plain loop: findIndex with a callback is several times slower on large weights.
export function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

function typedView(dtype: SafetensorsDtype, bytes: Uint8Array<ArrayBuffer>): Float32Array | Float64Array | Uint16Array | IntegerValues {
  const { buffer, byteOffset } = bytes;
  const count = bytes.byteLength / DTYPES[dtype].bytes;
  switch (dtype) {
    case 'F64': return new Float64Array(buffer, byteOffset, count);
    case 'F32': return new Float32Array(buffer, byteOffset, count);
    case 'F16': case 'BF16': return new Uint16Array(buffer, byteOffset, count);
    case 'I64': return new BigInt64Array(buffer, byteOffset, count);
    case 'I32': return new Int32Array(buffer, byteOffset, count);
    case 'I16': return new Int16Array(buffer, byteOffset, count);
    case 'I8': return new Int8Array(buffer, byteOffset, count);
    case 'U8': case 'BOOL': return new Uint8Array(buffer, byteOffset, count);
  }
}

function fromFloat32(dtype: SafetensorsDtype, data: Float32Array): ArrayBufferView {
  switch (dtype) {
    case 'F32': return data;
    case 'F64': return Float64Array.from(data);
    case 'F16': return Uint16Array.from(data, floatToHalf);
    case 'BF16': return Uint16Array.from(data, floatToBfloat16);
    case 'I64': return BigInt64Array.from(data, (v) => BigInt(v));
    case 'I32': return Int32Array.from(data);
    case 'I16': return Int16Array.from(data);
    case 'I8': return Int8Array.from(data);
    case 'U8': case 'BOOL': return Uint8Array.from(data);
  }
}

function fromFloat64(values: Float64Array): DecodedValues & { bad: number; badValue?: number } {
  const data = Float32Array.from(values);
  const bad = firstNonFinite(data);
  return bad < 0 ? { data, bad } : { data, bad, badValue: values[bad] };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

// Round to nearest, ties to even, as PyTorch's .half(): overflow gives ±Infinity.
function floatToHalf(value: number): number {
  f32[0] = value;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = bits & 0x7fffff;
  if (((bits >>> 23) & 0xff) === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  if (exponent >= 0x1f) return sign | 0x7c00;
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    return sign | roundShift(mantissa | 0x800000, 14 - exponent);
  }
  // A carry out of the mantissa correctly bumps the exponent (up to Infinity).
  return sign | ((exponent << 10) + roundShift(mantissa, 13));
}

function roundShift(value: number, shift: number): number {
  const kept = Math.floor(value / 2 ** shift);
  const rest = value - kept * 2 ** shift;
  const half = 2 ** (shift - 1);
  return rest > half || (rest === half && kept % 2 === 1) ? kept + 1 : kept;
}

function bfloat16ToFloat32(bits: Uint16Array): Float32Array {
  const words = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) words[i] = bits[i]! << 16;
  return new Float32Array(words.buffer);
}

// Round to nearest, ties to even, as PyTorch's .bfloat16().
function floatToBfloat16(value: number): number {
  f32[0] = value;
  const bits = u32[0]!;
  if (Number.isNaN(value)) return 0x7fc0;
  return roundShift(bits, 16);
}

function toHostOrder(bytes: Uint8Array<ArrayBuffer>, width: number): Uint8Array<ArrayBuffer> {
  if (!LITTLE_ENDIAN && width > 1) swapBytes(bytes, width);
  return bytes;
}

function toLittleEndian(bytes: Uint8Array, width: number): Uint8Array {
  if (LITTLE_ENDIAN || width === 1) return bytes;
  const copy = bytes.slice();
  swapBytes(copy, width);
  return copy;
}

function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}
