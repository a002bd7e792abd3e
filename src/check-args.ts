// The checks every public entry point runs on its arguments before it allocates anything, so
// that a wrong call fails with a `simdgrad:` error naming the argument, what was expected and
// what came, and leaves memory as it was.
import { kernels } from './backend/backend.js';
import type { Tensor } from './tensor.js';
import { formatShape } from './shape-util.js';

/** True for a simdgrad Tensor (checked by its brand, so this module need not load tensor.ts). */
export function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && (value as { isSimdgradTensor?: unknown }).isSimdgradTensor === true;
}

/** The most float32 elements one tensor can hold in a 4 GiB wasm32 memory. */
export const MAX_TENSOR_ELEMENTS = 2 ** 30;

/** A short description of a value for an error message: "undefined", "the string 'abc'", ... */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (isTensor(value)) return `${value.isDisposed ? 'a disposed' : 'a'} Tensor of shape ${formatShape(value.shape)}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<unknown>).length}`;
  if (Array.isArray(value)) return value.length <= 16 && value.every((v) => typeof v === 'number') ? `[${value.join(', ')}]` : `an array of length ${value.length}`;
  switch (typeof value) {
    case 'number': return String(value);
    case 'string': return `the string ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}...` : value)}`;
    case 'boolean': return `the boolean ${value}`;
    case 'function': return 'a function';
    case 'bigint': return `the bigint ${value}`;
    case 'symbol': return 'a symbol';
    default: {
      const name = Object.getPrototypeOf(value)?.constructor?.name;
      return name && name !== 'Object' ? `a ${name}` : 'an object';
    }
  }
}

/** A live Tensor, or an error saying what came instead. */
export function checkTensor(op: string, name: string, value: unknown): Tensor {
  if (!(isTensor(value))) {
    throw new Error(`simdgrad: ${op}: ${name} must be a Tensor, got ${describe(value)}${tensorHint(value)}.`);
  }
  if (value.isDisposed || !value.isAlive) {
    throw new Error(`simdgrad: ${op}: ${name} is a disposed Tensor (shape ${formatShape(value.shape)}). It was freed by dispose() or by an enclosing tidy(); keep() it or return it from tidy() to use it later.`);
  }
  return value;
}

export function checkOptionalTensor(op: string, name: string, value: unknown): Tensor | undefined {
  return value === undefined || value === null ? undefined : checkTensor(op, name, value);
}

/** A live Tensor or a finite-or-not number (numbers broadcast like 0-d tensors). */
export function checkTensorOrNumber(op: string, name: string, value: unknown): Tensor | number {
  if (typeof value === 'number') return value;
  if (isTensor(value)) return checkTensor(op, name, value);
  throw new Error(`simdgrad: ${op}: ${name} must be a Tensor or a number, got ${describe(value)}${tensorHint(value)}.`);
}

export interface NumberRule {
  integer?: boolean;
  /** NaN and ±Infinity allowed (default: refused). */
  nonFinite?: boolean;
  min?: number;
  max?: number;
  /** Strictly greater than `min`. */
  exclusiveMin?: boolean;
}

export function checkNumber(op: string, name: string, value: unknown, rule: NumberRule = {}): number {
  if (typeof value !== 'number') throw new Error(`simdgrad: ${op}: ${name} must be a number, got ${describe(value)}.`);
  if (!rule.nonFinite && !Number.isFinite(value)) throw new Error(`simdgrad: ${op}: ${name} must be a finite number, got ${value}.`);
  if (rule.integer && !Number.isInteger(value)) throw new Error(`simdgrad: ${op}: ${name} must be an integer, got ${value}.`);
  if (rule.min !== undefined && (rule.exclusiveMin ? !(value > rule.min) : !(value >= rule.min))) {
    throw new Error(`simdgrad: ${op}: ${name} must be ${rule.exclusiveMin ? '>' : '>='} ${rule.min}, got ${value}.`);
  }
  if (rule.max !== undefined && !(value <= rule.max)) throw new Error(`simdgrad: ${op}: ${name} must be <= ${rule.max}, got ${value}.`);
  return value;
}

export function checkOptionalNumber(op: string, name: string, value: unknown, rule: NumberRule = {}): number | undefined {
  return value === undefined ? undefined : checkNumber(op, name, value, rule);
}

export function checkBoolean(op: string, name: string, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new Error(`simdgrad: ${op}: ${name} must be true or false, got ${describe(value)}.`);
}

/** A shape: an array of non-negative integers whose product fits in wasm memory. */
export function checkShapeArg(op: string, name: string, value: unknown): number[] {
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) {
    const fix = typeof value === 'number' && Number.isInteger(value) && value >= 0 ? `; write [${value}]` : '';
    throw new Error(`simdgrad: ${op}: ${name} must be an array of non-negative integers, got ${describe(value)}${fix}.`);
  }
  const shape = Array.from(value as ArrayLike<unknown>);
  let size = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new Error(`simdgrad: ${op}: ${name} must be an array of non-negative integers, got [${shape.map((x) => describe(x)).join(', ')}].`);
    }
    size *= d;
  }
  if (size > MAX_TENSOR_ELEMENTS) {
    throw new Error(`simdgrad: ${op}: ${name} ${formatShape(shape as number[])} has ${size} elements; a tensor holds at most ${MAX_TENSOR_ELEMENTS} (4 GiB of float32). Use a smaller shape or split the data.`);
  }
  return shape as number[];
}

/** An options object (undefined gives {}), refusing anything else so a misplaced argument is caught. */
export function checkOptions<T extends object>(op: string, value: unknown, name = 'options'): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isTensor(value) || ArrayBuffer.isView(value)) {
    throw new Error(`simdgrad: ${op}: ${name} must be an options object ({ ... }), got ${describe(value)}.`);
  }
  return value as Partial<T>;
}

export function checkOneOf<T extends string>(op: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`simdgrad: ${op}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}.`);
}

function tensorHint(value: unknown): string {
  if (ArrayBuffer.isView(value) || Array.isArray(value)) return '; make one with tensor(data, shape)';
  if (typeof value === 'number') return '; make one with tensor(value) or full(shape, value)';
  return '';
}

/** File contents: a Uint8Array (or another view) or an ArrayBuffer, as a Uint8Array over the same bytes. */
export function checkBytes(op: string, name: string, value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new Error(`simdgrad: ${op}: ${name} must be a Uint8Array or ArrayBuffer with the file's bytes, got ${describe(value)}; pass e.g. await readFile(path) or new Uint8Array(await response.arrayBuffer()).`);
}

export function checkInteger(op: string, name: string, value: unknown, min = -Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const range = min === -Infinity ? 'an integer' : min === 0 ? 'a non-negative integer' : `an integer >= ${min}`;
    throw new Error(`simdgrad: ${op}: ${name} must be ${range}, got ${describe(value)}.`);
  }
  return value;
}

/**
 * Checks that an index tensor holds whole numbers in [0, limit) with one SIMD pass, and throws
 * naming the first offending value and its position.
 */
export function checkIndices(op: string, index: Tensor, limit: number, what: string): void {
  const bad = kernels().firstInvalidIndex(index.ptr, index.size, limit);
  if (bad < 0) return;
  const value = index.toFloat32Array()[bad]!;
  const problem = Number.isInteger(value) ? 'out of range' : 'not a whole number';
  throw new Error(`simdgrad: ${op}: index holds ${value} at position ${formatShape(unravel(bad, index.shape))}, ${problem} for ${what}; indices must be whole numbers in [0, ${limit}).`);
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const position: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    position.unshift(flat % shape[d]!);
    flat = Math.floor(flat / shape[d]!);
  }
  return position;
}
