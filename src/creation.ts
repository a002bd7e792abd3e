import { backend, kernels } from './backend/backend.js';
import { nextNormal, nextUniform } from './random.js';
import { formatShape, shapeSize } from './shape-util.js';
import { checkBoolean, checkNumber, checkOptionalNumber, checkOptions, checkShapeArg, checkTensor, describe } from './check-args.js';
import { Tensor } from './tensor.js';

export interface TensorOptions {
  /** Record operations on the tensor so that backward() computes its .grad (default false). */
  requiresGrad?: boolean;
}

type NestedNumbers = number | readonly NestedNumbers[];

/**
 * A tensor from numbers: nested arrays (shape inferred), or a flat array / Float32Array with a
 * shape. As in PyTorch, `tensor([1, 2, 3], { requiresGrad: true })` takes options in place of the shape.
 */
export function tensor(data: NestedNumbers | Float32Array | ArrayLike<number>, shapeOrOptions?: readonly number[] | TensorOptions, options?: TensorOptions): Tensor {
  const shapeGiven = Array.isArray(shapeOrOptions) || ArrayBuffer.isView(shapeOrOptions);
  const shape = shapeGiven ? checkShapeArg('tensor', 'shape', shapeOrOptions) : undefined;
  const opts = checkTensorOptions('tensor', shapeGiven || shapeOrOptions === undefined ? options : shapeOrOptions);
  const { values, inferred } = flattenData(data);
  const finalShape = shape ?? checkShapeArg('tensor', 'shape', inferred);
  if (shapeSize(finalShape) !== values.length) {
    throw new Error(`simdgrad: tensor(): ${values.length} values do not fill shape ${formatShape(finalShape)} (${shapeSize(finalShape)} elements); pass a shape whose product is ${values.length}.`);
  }
  const out = created('tensor', finalShape);
  backend().allocator.f32().set(values, out.ptr >>> 2);
  out.requiresGrad = opts.requiresGrad ?? false;
  return out;
}

export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  return filled('full', shape, checkNumber('full', 'value', value, { nonFinite: true }), options);
}

export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return filled('zerosLike', checkTensor('zerosLike', 'input', t).shape, 0, options);
}

export function onesLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return filled('onesLike', checkTensor('onesLike', 'input', t).shape, 1, options);
}

/** Uniform in [low, high), from the generator seeded by manualSeed(). */
export function rand(shape: readonly number[], options: TensorOptions & { low?: number; high?: number } = {}): Tensor {
  const opts = checkTensorOptions<{ low?: number; high?: number }>('rand', options);
  const low = checkOptionalNumber('rand', 'low', opts.low) ?? 0;
  const high = checkOptionalNumber('rand', 'high', opts.high) ?? 1;
  return generated('rand', shape, opts, () => low + (high - low) * nextUniform());
}

/** Normal with the given mean and std (default 0, 1), from the generator seeded by manualSeed(). */
export function randn(shape: readonly number[], options: TensorOptions & { mean?: number; std?: number } = {}): Tensor {
  const opts = checkTensorOptions<{ mean?: number; std?: number }>('randn', options);
  const mean = checkOptionalNumber('randn', 'mean', opts.mean) ?? 0;
  const std = checkOptionalNumber('randn', 'std', opts.std, { min: 0 }) ?? 1;
  return generated('randn', shape, opts, () => mean + std * nextNormal());
}

/** Values start, start+step, ... below end, as torch.arange. */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  checkNumber('arange', 'start', start);
  checkOptionalNumber('arange', 'end', end);
  checkNumber('arange', 'step', step);
  const [from, to] = end === undefined ? [0, start] : [start, end];
  if (step === 0) throw new Error('simdgrad: arange(): step must be non-zero, got 0.');
  const count = Math.max(0, Math.ceil((to - from) / step));
  checkShapeArg('arange', 'the result\'s shape', [count]);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = from + i * step;
  return tensor(values, [count], options);
}

function created(op: string, shape: readonly number[]): Tensor {
  const out = Tensor.empty(shape);
  out.labelCreator(op);
  return out;
}

function filled(op: string, shape: readonly number[], value: number, options: TensorOptions): Tensor {
  const checkedShape = checkShapeArg(op, 'shape', shape);
  const opts = checkTensorOptions(op, options);
  const out = created(op, checkedShape);
  kernels().fill(out.ptr, out.size, value);
  out.requiresGrad = opts.requiresGrad ?? false;
  return out;
}

function generated(op: string, shape: readonly number[], options: TensorOptions, sample: () => number): Tensor {
  const checkedShape = checkShapeArg(op, 'shape', shape);
  const values = new Float32Array(shapeSize(checkedShape));
  for (let i = 0; i < values.length; i++) values[i] = sample();
  const out = created(op, checkedShape);
  backend().allocator.f32().set(values, out.ptr >>> 2);
  out.requiresGrad = options.requiresGrad ?? false;
  return out;
}

function checkTensorOptions<Extra extends object = object>(op: string, options: unknown): TensorOptions & Partial<Extra> {
  const opts = checkOptions<TensorOptions & Extra>(op, options);
  checkBoolean(op, 'requiresGrad', opts.requiresGrad);
  return opts;
}

const DATA_EXPECTED = 'data must be a number, a (nested) array of numbers or a typed array';

function flattenData(data: unknown): { values: Float32Array; inferred: number[] } {
  if (typeof data === 'number') return { values: Float32Array.of(data), inferred: [] };
  if (data instanceof Float32Array) return { values: data, inferred: [data.length] };
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    const typed = data as unknown as ArrayLike<number | bigint>;
    return { values: Float32Array.from(typed, Number), inferred: [typed.length] };
  }
  if (!Array.isArray(data)) throw new Error(`simdgrad: tensor: ${DATA_EXPECTED}, got ${describe(data)}.`);
  const inferred: number[] = [];
  let level: unknown = data;
  while (Array.isArray(level)) {
    inferred.push(level.length);
    level = level[0];
  }
  checkShapeArg('tensor', 'the shape of data', inferred);
  const values = new Float32Array(shapeSize(inferred));
  const filledCount = fillFromNested(data, inferred, 0, values, 0);
  if (filledCount !== values.length) throw raggedError(inferred);
  return { values, inferred };
}

// Walks the nested arrays, checking every level has the inferred length and every leaf is a number.
function fillFromNested(level: unknown, shape: readonly number[], dim: number, into: Float32Array, at: number): number {
  if (dim === shape.length) {
    if (typeof level !== 'number') throw raggedError(shape);
    into[at] = level;
    return at + 1;
  }
  if (!Array.isArray(level) || level.length !== shape[dim]) throw raggedError(shape);
  for (const item of level) at = fillFromNested(item, shape, dim + 1, into, at);
  return at;
}

function raggedError(shape: readonly number[]): Error {
  return new Error(`simdgrad: tensor: nested arrays are ragged or hold non-numbers; expected a regular array of numbers of shape ${formatShape(shape)} (from the lengths of the first elements).`);
}
