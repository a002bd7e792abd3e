// torch.nn.init: fill a tensor in place, from the generator seeded by manualSeed(). Names end in
// '_' as in PyTorch, because they overwrite their argument. They write memory directly, so they
// are never recorded for backward.
import { backend, kernels } from '../backend/backend.js';
import { nextNormal, nextUniform } from '../random.js';
import { formatShape } from '../shape-util.js';
import type { Tensor } from '../tensor.js';
import { checkOptions, checkTensor } from '../check-args.js';

/** The activations calculateGain knows; the snake_case spellings PyTorch uses are accepted too. */
export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'convTranspose1d' | 'convTranspose2d' | 'convTranspose3d'
  | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'leaky_relu' | 'selu';

export type FanMode = 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';

export interface KaimingOptions {
  /** Negative slope of the leaky ReLU that follows (only used with 'leakyRelu'); default 0. */
  a?: number;
  /** 'fanIn' (default) preserves the forward pass's variance, 'fanOut' the backward pass's. */
  mode?: FanMode;
  /** Default 'leakyRelu', as in PyTorch. */
  nonlinearity?: Nonlinearity;
}

const UNIT_GAIN = new Set(['linear', 'conv1d', 'conv2d', 'conv3d', 'convTranspose1d', 'convTranspose2d', 'convTranspose3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid']);

/**
 * The recommended gain for a nonlinearity, as torch.nn.init.calculate_gain: 1 for linear layers
 * and sigmoid, 5/3 for tanh, √2 for relu, √(2 / (1 + slope²)) for leaky relu (slope `param`,
 * default 0.01), 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  if (UNIT_GAIN.has(nonlinearity)) return 1;
  switch (nonlinearity) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu':
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (!Number.isFinite(slope)) throw new Error(`simdgrad: calculateGain('${nonlinearity}', ${slope}): the negative slope must be a finite number.`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new Error(`simdgrad: calculateGain: unsupported nonlinearity '${String(nonlinearity)}'; use one of linear, conv1d, conv2d, conv3d, convTranspose1d/2d/3d, sigmoid, tanh, relu, leakyRelu, selu.`);
  }
}

/**
 * Fan in and fan out of a weight: [out, in] for Linear, [out, in, ...kernel] for convolutions,
 * where each input (output) feature map counts kernel-size times.
 */
export function calculateFanInAndFanOut(tensor: Tensor): { fanIn: number; fanOut: number } {
  checkTensor('init', 'tensor', tensor);
  if (tensor.ndim < 2) {
    throw new Error(`simdgrad: init: fan in and fan out need a tensor with at least 2 dimensions, got shape ${formatShape(tensor.shape)}; use uniform_ or normal_ with explicit bounds for biases.`);
  }
  const receptiveField = tensor.shape.slice(2).reduce((n, d) => n * d, 1);
  return { fanIn: tensor.shape[1]! * receptiveField, fanOut: tensor.shape[0]! * receptiveField };
}

/** Fills with values drawn uniformly from [a, b). */
export function uniform_(tensor: Tensor, a = 0, b = 1): Tensor {
  if (!(a <= b)) throw new Error(`simdgrad: uniform_: the range [${a}, ${b}) is empty or not a number; pass a <= b.`);
  return fillWith(tensor, () => a + (b - a) * nextUniform());
}

/** Fills with values drawn from N(mean, std²). */
export function normal_(tensor: Tensor, mean = 0, std = 1): Tensor {
  if (!(std >= 0)) throw new Error(`simdgrad: normal_: std must be >= 0, got ${std}.`);
  return fillWith(tensor, () => mean + std * nextNormal());
}

export function constant_(tensor: Tensor, value: number): Tensor {
  checkTensor('initialise', 'tensor', tensor);
  kernels().fill(tensor.ptr, tensor.size, value);
  return tensor;
}

export function zeros_(tensor: Tensor): Tensor {
  return constant_(tensor, 0);
}

export function ones_(tensor: Tensor): Tensor {
  return constant_(tensor, 1);
}

/** Glorot uniform: U(-bound, bound) with bound = gain · √(6 / (fanIn + fanOut)). */
export function xavierUniform_(tensor: Tensor, gain = 1): Tensor {
  const bound = Math.sqrt(3) * xavierStd(tensor, gain);
  return uniform_(tensor, -bound, bound);
}

/** Glorot normal: N(0, std²) with std = gain · √(2 / (fanIn + fanOut)). */
export function xavierNormal_(tensor: Tensor, gain = 1): Tensor {
  return normal_(tensor, 0, xavierStd(tensor, gain));
}

/** He uniform: U(-bound, bound) with bound = gain · √(3 / fan); PyTorch's Linear and Conv use a = √5. */
export function kaimingUniform_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  options = checkOptions<KaimingOptions>('kaimingUniform_', options) as KaimingOptions;
  const bound = Math.sqrt(3) * kaimingStd(tensor, options);
  return uniform_(tensor, -bound, bound);
}

/** He normal: N(0, std²) with std = gain / √fan. */
export function kaimingNormal_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  options = checkOptions<KaimingOptions>('kaimingNormal_', options) as KaimingOptions;
  return normal_(tensor, 0, kaimingStd(tensor, options));
}

function xavierStd(tensor: Tensor, gain: number): number {
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  return gain * Math.sqrt(2 / (fanIn + fanOut));
}

function kaimingStd(tensor: Tensor, options: KaimingOptions): number {
  const mode = options.mode ?? 'fanIn';
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  let fan: number;
  if (mode === 'fanIn' || mode === 'fan_in') fan = fanIn;
  else if (mode === 'fanOut' || mode === 'fan_out') fan = fanOut;
  else throw new Error(`simdgrad: kaiming init: mode must be 'fanIn' or 'fanOut', got '${String(mode)}'.`);
  return calculateGain(options.nonlinearity ?? 'leakyRelu', options.a ?? 0) / Math.sqrt(fan);
}

function fillWith(tensor: Tensor, sample: () => number): Tensor {
  checkTensor('initialise', 'tensor', tensor);
  const values = new Float32Array(tensor.size);
  for (let i = 0; i < values.length; i++) values[i] = sample();
  backend().allocator.f32().set(values, tensor.ptr >>> 2);
  return tensor;
}

/**
 * PyTorch's default for Linear and the convolutions (their reset_parameters): the weight from
 * kaimingUniform_ with a = √5, the bias from U(-1/√fanIn, 1/√fanIn).
 */
export function resetWeightAndBias_(weight: Tensor, bias: Tensor | null): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (!bias) return;
  const { fanIn } = calculateFanInAndFanOut(weight);
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  uniform_(bias, -bound, bound);
}
