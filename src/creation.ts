import { backend, kernels } from './backend/backend.js';
import { nextNormal, nextUniform } from './random.js';
import { checkShape, formatShape, shapeSize } from './shape-util.js';
import { Tensor } from './tensor.js';

export interface TensorOptions {
  /** Record operations on the tensor so that backward() computes its .grad (default false). */
  requiresGrad?: boolean;
}

type NestedNumbers = number | readonly NestedNumbers[];

/** A tensor from numbers: nested arrays (shape inferred), or a flat array / Float32Array with a shape. */
export function tensor(data: NestedNumbers | Float32Array | ArrayLike<number>, shape?: readonly number[], options: TensorOptions = {}): Tensor {
  const { values, inferred } = flattenData(data);
  const finalShape = shape ? [...shape] : inferred;
  checkShape(finalShape, 'tensor()');
  if (shapeSize(finalShape) !== values.length) {
    throw new Error(`simdgrad: tensor(): ${values.length} values do not fill shape ${formatShape(finalShape)} (${shapeSize(finalShape)} elements); pass a shape whose product is ${values.length}.`);
  }
  const out = Tensor.empty(finalShape);
  backend().allocator.f32().set(values, out.ptr >>> 2);
  out.requiresGrad = options.requiresGrad ?? false;
  return out;
}

export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  const out = Tensor.empty(shape);
  kernels().fill!(out.ptr, out.size, value);
  out.requiresGrad = options.requiresGrad ?? false;
  return out;
}

export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return full(shape, 0, options);
}

export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return full(shape, 1, options);
}

export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return full(t.shape, 0, options);
}

export function onesLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return full(t.shape, 1, options);
}

/** Uniform in [low, high), from the generator seeded by manualSeed(). */
export function rand(shape: readonly number[], options: TensorOptions & { low?: number; high?: number } = {}): Tensor {
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  return generated(shape, options, () => low + (high - low) * nextUniform());
}

/** Normal with the given mean and std (default 0, 1), from the generator seeded by manualSeed(). */
export function randn(shape: readonly number[], options: TensorOptions & { mean?: number; std?: number } = {}): Tensor {
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  return generated(shape, options, () => mean + std * nextNormal());
}

/** Values start, start+step, ... below end, as torch.arange. */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  const [from, to] = end === undefined ? [0, start] : [start, end];
  if (step === 0 || !Number.isFinite(step)) throw new Error(`simdgrad: arange(): step must be a finite non-zero number, got ${step}.`);
  const count = Math.max(0, Math.ceil((to - from) / step));
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = from + i * step;
  return tensor(values, [count], options);
}

function generated(shape: readonly number[], options: TensorOptions, sample: () => number): Tensor {
  checkShape(shape, 'random tensor');
  const values = new Float32Array(shapeSize(shape));
  for (let i = 0; i < values.length; i++) values[i] = sample();
  return tensor(values, shape, options);
}

function flattenData(data: NestedNumbers | Float32Array | ArrayLike<number>): { values: Float32Array; inferred: number[] } {
  if (typeof data === 'number') return { values: Float32Array.of(data), inferred: [] };
  if (data instanceof Float32Array) return { values: data, inferred: [data.length] };
  if (!Array.isArray(data)) return { values: Float32Array.from(data as ArrayLike<number>), inferred: [(data as ArrayLike<number>).length] };
  const inferred: number[] = [];
  let level: unknown = data;
  while (Array.isArray(level)) {
    inferred.push(level.length);
    level = level[0];
  }
  const flat = (data as unknown[]).flat(inferred.length) as unknown[];
  if (flat.length !== shapeSize(inferred) || flat.some((v) => typeof v !== 'number')) {
    throw new Error(`simdgrad: tensor(): nested arrays are ragged or contain non-numbers; expected a regular array of shape ${formatShape(inferred)}.`);
  }
  return { values: Float32Array.from(flat as number[]), inferred };
}
