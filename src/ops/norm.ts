import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { full } from '../creation.js';
import { checkShape, formatShape, shapeSize } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { checkOptions, checkShapeArg, checkTensor } from '../check-args.js';

export interface BatchNormOptions {
  /** Per-channel scale [C] (gamma); default none, which means 1. */
  weight?: Tensor | null;
  /** Per-channel shift [C] (beta); default none, which means 0. */
  bias?: Tensor | null;
  /** Normalize with the batch's statistics and update the running ones (default false: use the running ones). */
  training?: boolean;
  /** Weight of the batch statistics in the running-statistics update (default 0.1). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/** What exporters need of a batch norm beyond its input, weight and bias. */
export interface BatchNormAttributes {
  training: boolean;
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  eps: number;
}

/** What exporters need of a layer norm: how many trailing dimensions it normalizes over. */
export interface LayerNormAttributes {
  normalizedDims: number;
  eps: number;
}

/**
 * Per-channel normalization of [N, C], [N, C, L] or [N, C, H, W] input, as
 * torch.nn.functional.batch_norm. In training mode it normalizes with the batch mean and biased
 * variance and updates runningMean and runningVar in place (the variance unbiased); in eval mode
 * it normalizes with them.
 */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  options = checkOptions<BatchNormOptions>('batchNorm', options) as BatchNormOptions;
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = options;
  checkBatchNormArgs(input, runningMean, runningVar, weight, bias, training);
  const [batch, channels] = input.shape as [number, number];
  const spatial = shapeSize(input.shape.slice(2));
  const out = Tensor.empty(input.shape);
  const mean = Tensor.empty([channels]);
  const invStd = Tensor.empty([channels]);
  const [scale, shift] = affineOrIdentity(weight, bias, [channels]);
  const k = kernels();
  if (training) {
    k.batchNormForwardTraining(input.ptr, out.ptr, scale.ptr, shift.ptr, mean.ptr, invStd.ptr, runningMean?.ptr ?? 0, runningVar?.ptr ?? 0, batch, channels, spatial, momentum, eps);
  } else {
    k.batchNormForwardEval(input.ptr, out.ptr, scale.ptr, shift.ptr, runningMean!.ptr, runningVar!.ptr, mean.ptr, invStd.ptr, batch, channels, spatial, eps);
  }
  record(out, {
    op: 'batchNorm',
    inputs: [input, weight, bias],
    attributes: { training, runningMean, runningVar, eps } satisfies BatchNormAttributes,
    saved: [input, mean, invStd, scale],
    backward: (g, [x, savedMean, savedInvStd, savedScale]) => {
      const gx = input.requiresGrad ? Tensor.empty(input.shape) : null;
      const gw = Tensor.empty([channels]);
      const gb = Tensor.empty([channels]);
      kernels().batchNormBackward(x!.ptr, g.ptr, savedMean!.ptr, savedInvStd!.ptr, savedScale!.ptr, gx?.ptr ?? 0, gw.ptr, gb.ptr, batch, channels, spatial, training ? 1 : 0);
      return [gx, keptIf(weight?.requiresGrad, gw), keptIf(bias?.requiresGrad, gb)];
    },
  });
  mean.dispose();
  invStd.dispose();
  disposeStandIns([scale, shift], [weight, bias]);
  return out;
}

export interface LayerNormOptions {
  /** Elementwise scale of the normalized shape; default none, which means 1. */
  weight?: Tensor | null;
  /** Elementwise shift of the normalized shape; default none, which means 0. */
  bias?: Tensor | null;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/**
 * Normalizes over the last dimensions given by normalizedShape (mean and biased variance of each
 * slice), then applies the elementwise weight and bias, as torch.nn.functional.layer_norm.
 */
export function layerNorm(input: Tensor, normalizedShape: number | readonly number[], options: LayerNormOptions = {}): Tensor {
  options = checkOptions<LayerNormOptions>('layerNorm', options) as LayerNormOptions;
  const { weight = null, bias = null, eps = 1e-5 } = options;
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : checkShapeArg('layerNorm', 'normalizedShape', normalizedShape);
  checkLayerNormArgs(input, shape, weight, bias);
  const features = shapeSize(shape);
  const rows = shapeSize(input.shape.slice(0, input.ndim - shape.length));
  const out = Tensor.empty(input.shape);
  const mean = Tensor.empty([rows]);
  const invStd = Tensor.empty([rows]);
  const [scale, shift] = affineOrIdentity(weight, bias, shape);
  kernels().layerNormForward(input.ptr, out.ptr, scale.ptr, shift.ptr, mean.ptr, invStd.ptr, rows, features, eps);
  record(out, {
    op: 'layerNorm',
    inputs: [input, weight, bias],
    attributes: { normalizedDims: shape.length, eps } satisfies LayerNormAttributes,
    saved: [input, mean, invStd, scale],
    backward: (g, [x, savedMean, savedInvStd, savedScale]) => {
      const gx = input.requiresGrad ? Tensor.empty(input.shape) : null;
      const affineGrads = weight?.requiresGrad || bias?.requiresGrad;
      const gw = affineGrads ? Tensor.empty(shape) : null;
      const gb = affineGrads ? Tensor.empty(shape) : null;
      kernels().layerNormBackward(x!.ptr, g.ptr, savedMean!.ptr, savedInvStd!.ptr, savedScale!.ptr, gx?.ptr ?? 0, gw?.ptr ?? 0, gb?.ptr ?? 0, rows, features);
      return [gx, keptIf(weight?.requiresGrad, gw), keptIf(bias?.requiresGrad, gb)];
    },
  });
  mean.dispose();
  invStd.dispose();
  disposeStandIns([scale, shift], [weight, bias]);
  return out;
}

function checkBatchNormArgs(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null, bias: Tensor | null, training: boolean): void {
  checkTensor('batchNorm', 'input', input);
  if (input.ndim < 2) {
    throw new Error(`simdgrad: batchNorm: input must be [N, C, ...] with at least 2 dimensions, got ${formatShape(input.shape)}; add a batch dimension.`);
  }
  const channels = input.shape[1]!;
  for (const [name, t] of Object.entries({ runningMean, runningVar, weight, bias })) {
    if (!t) continue;
    checkTensor('batchNorm', 'tensor', t);
    if (t.ndim !== 1 || t.shape[0] !== channels) {
      throw new Error(`simdgrad: batchNorm: ${name} has shape ${formatShape(t.shape)} but the input ${formatShape(input.shape)} has ${channels} channels; it must be [${channels}].`);
    }
  }
  if ((runningMean === null) !== (runningVar === null)) {
    const [given, missing] = runningMean ? ['runningMean', 'runningVar'] : ['runningVar', 'runningMean'];
    throw new Error(`simdgrad: batchNorm: got ${given} without ${missing}; pass both running statistics or neither.`);
  }
  if (!training && !runningMean) {
    throw new Error('simdgrad: batchNorm: eval mode (training: false) normalizes with runningMean and runningVar, but they are null; pass them, or { training: true } to use the batch statistics.');
  }
  const valuesPerChannel = input.shape[0]! * shapeSize(input.shape.slice(2));
  if (training && valuesPerChannel <= 1) {
    throw new Error(`simdgrad: batchNorm: Expected more than 1 value per channel when training, got input of shape ${formatShape(input.shape)}; use a larger batch, or eval mode.`);
  }
}

function checkLayerNormArgs(input: Tensor, shape: readonly number[], weight: Tensor | null, bias: Tensor | null): void {
  checkTensor('layerNorm', 'input', input);
  checkShape(shape, 'layerNorm normalizedShape');
  if (shape.length === 0) throw new Error('simdgrad: layerNorm: normalizedShape is empty; give at least one trailing dimension to normalize over.');
  if (input.ndim < shape.length || !sameShape(input.shape.slice(input.ndim - shape.length), shape)) {
    throw new Error(`simdgrad: layerNorm: normalizedShape ${formatShape(shape)} must equal the input's last dimensions: expected input of shape [*, ${shape.join(', ')}], got ${formatShape(input.shape)}.`);
  }
  for (const [name, t] of Object.entries({ weight, bias })) {
    if (!t) continue;
    checkTensor('layerNorm', 'tensor', t);
    if (!sameShape(t.shape, shape)) {
      throw new Error(`simdgrad: layerNorm: ${name} has shape ${formatShape(t.shape)} but normalizedShape is ${formatShape(shape)}; weight and bias must have the normalized shape.`);
    }
  }
}

// The kernels always apply a scale and a shift: ones and zeros stand in for those not given.
function affineOrIdentity(weight: Tensor | null, bias: Tensor | null, shape: readonly number[]): [Tensor, Tensor] {
  return [weight ?? full(shape, 1), bias ?? full(shape, 0)];
}

function disposeStandIns(used: Tensor[], given: (Tensor | null)[]): void {
  used.forEach((t, i) => {
    if (t !== given[i]) t.dispose();
  });
}

function keptIf(wanted: boolean | undefined, grad: Tensor | null): Tensor | null {
  if (wanted) return grad;
  grad?.dispose();
  return null;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
