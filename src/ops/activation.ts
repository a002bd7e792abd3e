import { kernels } from '../backend/backend.js';
import type { KernelExports } from '../backend/kernel-exports.js';
import { record } from '../autograd/node.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { Tensor } from '../tensor.js';
import { checkNumber, checkOptionalNumber, checkOptions, checkTensor } from '../check-args.js';

type Activation = 'relu' | 'leakyRelu' | 'sigmoid' | 'tanh' | 'gelu' | 'geluTanh' | 'elu' | 'softplus' | 'silu' | 'relu6' | 'hardsigmoid' | 'hardswish' | 'mish';

/** The constants of an activation, recorded for exporters (each op sets its own). */
export interface ActivationAttributes {
  negativeSlope?: number;
  alpha?: number;
  beta?: number;
  threshold?: number;
  approximate?: 'none' | 'tanh';
}

/** The constants an activation's kernels take after the pointers and the length (leakyRelu's slope, softplus's beta and threshold). */
type ActivationParams<K extends Activation> = KernelExports[`${K}Forward`] extends (x: number, out: number, n: number, ...params: infer P) => void ? P : never;

// TypeScript cannot follow a generic name to its kernel, so the pair is typed here: every
// `${kernel}Backward` takes the gradient's pointers and length, then its forward's constants.
interface ActivationKernels<K extends Activation> {
  forward(x: number, out: number, n: number, ...params: ActivationParams<K>): void;
  backward(saved: number, upstream: number, gradIn: number, n: number, ...params: ActivationParams<K>): void;
}

/**
 * Runs `${kernel}Forward` into a new tensor and records `${kernel}Backward`, which reads the
 * input, or the output where the derivative is cheapest from it (sigmoid, tanh).
 */
function activation<K extends Activation>(op: string, kernel: K, x: Tensor, saves: 'input' | 'output', attributes: ActivationAttributes = {}, ...params: ActivationParams<K>): Tensor {
  checkTensor(op, 'input', x);
  const k = kernels();
  const forward = k[`${kernel}Forward`] as unknown as ActivationKernels<K>['forward'];
  const backward = k[`${kernel}Backward`] as unknown as ActivationKernels<K>['backward'];
  const out = Tensor.empty(x.shape);
  forward(x.ptr, out.ptr, x.size, ...params);
  return record(out, {
    op,
    inputs: [x],
    attributes,
    saved: [saves === 'input' ? x : out],
    backward: (g, [saved]) => {
      const gradIn = Tensor.empty(x.shape);
      backward(saved!.ptr, g.ptr, gradIn.ptr, gradIn.size, ...params);
      return [gradIn];
    },
  });
}

/** max(x, 0), as torch.nn.functional.relu. */
export function relu(x: Tensor): Tensor {
  return activation('relu', 'relu', x, 'input');
}

/** x where x > 0, else negativeSlope * x. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkNumber('leakyRelu', 'negativeSlope', negativeSlope);
  return activation('leakyRelu', 'leakyRelu', x, 'input', { negativeSlope }, negativeSlope);
}

/** 1 / (1 + e^-x), stable for any x. */
export function sigmoid(x: Tensor): Tensor {
  return activation('sigmoid', 'sigmoid', x, 'output');
}

export function tanh(x: Tensor): Tensor {
  return activation('tanh', 'tanh', x, 'output');
}

export interface GeluOptions {
  /** 'none' (default): x Φ(x) with the exact normal CDF; 'tanh': the tanh approximation. */
  approximate?: 'none' | 'tanh';
}

/** Gaussian error linear unit, x/2 (1 + erf(x/√2)), as torch.nn.functional.gelu. */
export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  checkTensor('gelu', 'input', x);
  options = checkOptions<GeluOptions>('gelu', options) as GeluOptions;
  const approximate = options.approximate ?? 'none';
  if (approximate === 'none') return x.requiresGrad && isGradEnabled() ? geluKeepingSlope(x) : activation('gelu', 'gelu', x, 'input', { approximate });
  if (approximate === 'tanh') return activation('gelu', 'geluTanh', x, 'input', { approximate });
  throw new Error(`simdgrad: gelu: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}.`);
}

// Exact gelu while recording: the forward computes the slope alongside the output, from the
// same exponential, and keeps it instead of the input, so the backward is one multiply.
function geluKeepingSlope(x: Tensor): Tensor {
  const out = Tensor.empty(x.shape);
  const slope = Tensor.empty(x.shape);
  kernels().geluForwardWithSlope(x.ptr, out.ptr, slope.ptr, x.size);
  record(out, {
    op: 'gelu',
    inputs: [x],
    attributes: { approximate: 'none' } satisfies ActivationAttributes,
    saved: [slope],
    backward: (g, [kept]) => {
      const gradIn = Tensor.empty(x.shape);
      kernels().geluBackwardFromSlope(kept!.ptr, g.ptr, gradIn.ptr, gradIn.size);
      return [gradIn];
    },
  });
  slope.dispose();
  return out;
}

/** x where x > 0, else alpha (e^x - 1). */
export function elu(x: Tensor, alpha = 1): Tensor {
  checkNumber('elu', 'alpha', alpha);
  return activation('elu', 'elu', x, 'input', { alpha }, alpha);
}

export interface SoftplusOptions {
  /** Sharpness: softplus is ln(1 + e^(beta x)) / beta (default 1). */
  beta?: number;
  /** Where beta x exceeds it, the result is x itself, as in torch (default 20). */
  threshold?: number;
}

/** A smooth relu, ln(1 + e^x), as torch.nn.functional.softplus. */
export function softplus(x: Tensor, options: SoftplusOptions = {}): Tensor {
  options = checkOptions<SoftplusOptions>('softplus', options) as SoftplusOptions;
  const beta = checkOptionalNumber('softplus', 'beta', options.beta) ?? 1;
  const threshold = checkOptionalNumber('softplus', 'threshold', options.threshold) ?? 20;
  checkSoftplusBeta('softplus', beta);
  return activation('softplus', 'softplus', x, 'input', { beta, threshold }, beta, threshold);
}

export function checkSoftplusBeta(op: string, beta: number): void {
  checkNumber(op, 'beta', beta);
  if (beta === 0) throw new Error(`simdgrad: ${op}: beta must not be 0 (the result is divided by it); the default is 1.`);
}

/** x * sigmoid(x), also called swish. */
export function silu(x: Tensor): Tensor {
  return activation('silu', 'silu', x, 'input');
}

/** min(max(x, 0), 6), as torch.nn.functional.relu6 (slope 0 at the kinks, as torch). */
export function relu6(x: Tensor): Tensor {
  return activation('relu6', 'relu6', x, 'input');
}

/** relu6(x + 3) / 6, a piecewise-linear sigmoid, as torch.nn.functional.hardsigmoid. */
export function hardsigmoid(x: Tensor): Tensor {
  return activation('hardsigmoid', 'hardsigmoid', x, 'input');
}

/** x · relu6(x + 3) / 6, MobileNetV3's swish, as torch.nn.functional.hardswish. */
export function hardswish(x: Tensor): Tensor {
  return activation('hardswish', 'hardswish', x, 'input');
}

/** x · tanh(ln(1 + e^x)), as torch.nn.functional.mish. */
export function mish(x: Tensor): Tensor {
  return activation('mish', 'mish', x, 'input');
}
