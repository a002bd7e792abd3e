import { kernels } from '../backend/backend.js';
import { formatShape } from '../shape-util.js';
import { Tensor } from '../tensor.js';

// Argument checks shared by the toolkit ops, run before anything is allocated. Every message
// names the op, the argument, what was expected and what came.

export function checkTensor(value: unknown, op: string, name: string): Tensor {
  if (!(value instanceof Tensor)) {
    throw new Error(`simdgrad: ${op}: ${name} must be a Tensor, got ${describe(value)}.`);
  }
  if (value.isDisposed) {
    throw new Error(`simdgrad: ${op}: ${name} (shape ${formatShape(value.shape)}) was disposed, by dispose() or an enclosing tidy(); keep() it or return it from tidy() to use it later.`);
  }
  return value;
}

export function checkTensorOrNumber(value: unknown, op: string, name: string): Tensor | number {
  if (typeof value === 'number') return value;
  if (value instanceof Tensor) return checkTensor(value, op, name);
  throw new Error(`simdgrad: ${op}: ${name} must be a Tensor or a number, got ${describe(value)}.`);
}

export function checkInteger(value: unknown, op: string, name: string, min = -Infinity): number {
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
export function checkIndices(index: Tensor, limit: number, op: string, what: string): void {
  const bad = kernels().firstInvalidIndex!(index.ptr, index.size, limit);
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

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Tensor) return `a Tensor of shape ${formatShape(value.shape)}`;
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return typeof value;
}
