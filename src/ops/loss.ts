import { kernels } from '../backend/backend.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { record } from '../autograd/node.js';
import { formatShape } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { withClassTargets, type ClassTargets } from './class-targets.js';
import { checkOptions, checkTensor } from '../check-args.js';

export type { ClassTargets } from './class-targets.js';

/** 'mean' (the default) and 'sum' give a scalar; 'none' one loss per element (or per sample). */
export type Reduction = 'mean' | 'sum' | 'none';

export interface LossOptions {
  /** 'mean' (default): the average over samples; 'sum': their total; 'none': one loss per sample. */
  reduction?: Reduction;
}

export interface SmoothL1LossOptions extends LossOptions {
  /** Below this |input - target| the loss is quadratic (default 1; 0 makes it the L1 loss). */
  beta?: number;
}

export interface HuberLossOptions extends LossOptions {
  /** Below this |input - target| the loss is quadratic (default 1). */
  delta?: number;
}

export interface BinaryCrossEntropyOptions extends LossOptions {
  /** Rescales each element's loss; the input's shape or its trailing dimensions (default none: every weight 1). */
  weight?: Tensor;
}

export interface BinaryCrossEntropyWithLogitsOptions extends LossOptions {
  /** Weight of the positive term, e.g. [C] for C independent labels; the input's shape or its trailing dimensions (default none: 1). */
  posWeight?: Tensor;
}

export interface NllLossOptions extends LossOptions {
  /** Samples with this target count for nothing, not even in the 'mean' (default -100, as PyTorch). */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NllLossOptions {
  /** ε in [0, 1]: the target distribution becomes (1 - ε) one-hot + ε uniform (default 0). */
  labelSmoothing?: number;
}

export interface MultiMarginLossOptions extends LossOptions {
  /** The margin each wrong class's score must stay below the right one's by (default 1). */
  margin?: number;
  /** 1 (the default) or 2: the power of each hinge term. */
  p?: 1 | 2;
}

const DEFAULT_IGNORE_INDEX = -100;

/** Mean squared error, as torch.nn.functional.mse_loss. */
export function mseLoss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  options = checkOptions<LossOptions>('mseLoss', options) as LossOptions;
  return elementwiseLoss('mseLoss', input, target, options, (out, grad, perElement, scale) =>
    kernels().mseLossForward(input.ptr, target.ptr, input.size, out, grad, perElement, scale));
}

/** Mean absolute error, as torch.nn.functional.l1_loss. */
export function l1Loss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  options = checkOptions<LossOptions>('l1Loss', options) as LossOptions;
  return elementwiseLoss('l1Loss', input, target, options, (out, grad, perElement, scale) =>
    kernels().l1LossForward(input.ptr, target.ptr, input.size, out, grad, perElement, scale));
}

/** 0.5 d²/beta where |d| < beta, else |d| - 0.5 beta, as torch.nn.functional.smooth_l1_loss. */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1LossOptions = {}): Tensor {
  options = checkOptions<SmoothL1LossOptions>('smoothL1Loss', options) as SmoothL1LossOptions;
  const beta = options.beta ?? 1;
  if (!(beta >= 0 && Number.isFinite(beta))) throw new Error(`simdgrad: smoothL1Loss: beta must be a finite number >= 0, got ${beta}.`);
  return elementwiseLoss('smoothL1Loss', input, target, options, (out, grad, perElement, scale) =>
    kernels().smoothL1LossForward(input.ptr, target.ptr, input.size, out, grad, perElement, scale, beta));
}

/** 0.5 d² where |d| < delta, else delta (|d| - 0.5 delta), as torch.nn.functional.huber_loss. */
export function huberLoss(input: Tensor, target: Tensor, options: HuberLossOptions = {}): Tensor {
  options = checkOptions<HuberLossOptions>('huberLoss', options) as HuberLossOptions;
  const delta = options.delta ?? 1;
  if (!(delta > 0 && Number.isFinite(delta))) throw new Error(`simdgrad: huberLoss: delta must be a finite number > 0, got ${delta}.`);
  // Huber with delta is delta times smooth L1 with beta = delta.
  return elementwiseLoss('huberLoss', input, target, options, (out, grad, perElement, scale) =>
    kernels().smoothL1LossForward(input.ptr, target.ptr, input.size, out, grad, perElement, scale * delta, delta));
}

/**
 * Binary cross-entropy of probabilities `input` in [0, 1] against targets in [0, 1], as
 * torch.nn.functional.binary_cross_entropy (each log clamped at -100).
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor {
  options = checkOptions<BinaryCrossEntropyOptions>('binaryCrossEntropy', options) as BinaryCrossEntropyOptions;
  const op = 'binaryCrossEntropy';
  const weight = options.weight;
  if (weight) checkTrailingShape(op, 'weight', weight, input);
  return elementwiseLoss(op, input, target, options, (out, grad, perElement, scale) => {
    const outside = kernels().binaryCrossEntropyForward(input.ptr, target.ptr, weight?.ptr ?? 0, weight?.size ?? 1, input.size, out, grad, perElement, scale);
    if (outside > 0) {
      const first = firstIndexWhere(input, (v) => !(v >= 0 && v <= 1));
      throw new Error(
        `simdgrad: ${op}: input ${formatShape(input.shape)} has ${outside} value(s) outside [0, 1] (the first, ${valueAt(input, first)}, at ${formatIndex(first, input.shape)}); ` +
          'it expects probabilities. Apply sigmoid() first, or pass the raw scores to binaryCrossEntropyWithLogits (more stable).',
      );
    }
  });
}

/** Sigmoid and binary cross-entropy in one stable step, as torch.nn.functional.binary_cross_entropy_with_logits. */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BinaryCrossEntropyWithLogitsOptions = {}): Tensor {
  options = checkOptions<BinaryCrossEntropyWithLogitsOptions>('binaryCrossEntropyWithLogits', options) as BinaryCrossEntropyWithLogitsOptions;
  const op = 'binaryCrossEntropyWithLogits';
  const posWeight = options.posWeight;
  if (posWeight) checkTrailingShape(op, 'posWeight', posWeight, input);
  return elementwiseLoss(op, input, target, options, (out, grad, perElement, scale) =>
    kernels().binaryCrossEntropyWithLogitsForward(input.ptr, target.ptr, posWeight?.ptr ?? 0, posWeight?.size ?? 1, input.size, out, grad, perElement, scale));
}

/** The binary hinge of Keras / TF.js: mean of max(0, 1 - target * input) for targets -1 and 1. */
export function hingeLoss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  options = checkOptions<LossOptions>('hingeLoss', options) as LossOptions;
  const op = 'hingeLoss';
  return elementwiseLoss(op, input, target, options, (out, grad, perElement, scale) => {
    const invalid = kernels().hingeLossForward(input.ptr, target.ptr, input.size, out, grad, perElement, scale);
    if (invalid > 0) {
      const first = firstIndexWhere(target, (v) => v !== 1 && v !== -1);
      throw new Error(
        `simdgrad: ${op}: target ${formatShape(target.shape)} has ${invalid} value(s) that are not -1 or 1 (the first, ${valueAt(target, first)}, at ${formatIndex(first, target.shape)}); ` +
          'hinge targets are ±1 labels: convert 0/1 labels with target.mul(2).sub(1).',
      );
    }
  });
}

/**
 * Log-softmax and negative log-likelihood fused, as torch.nn.functional.cross_entropy:
 * `input` are logits [N, C], `target` one class index per sample. A -Infinity logit masks its
 * class, with PyTorch's results: a masked target, or any masked class under labelSmoothing,
 * gives loss +Infinity, and a row that is all -Infinity gives NaN. An ignored sample gives loss
 * and gradient 0 whatever its logits (PyTorch's gradient is NaN for an ignored all -Infinity row).
 */
export function crossEntropy(input: Tensor, target: ClassTargets, options: CrossEntropyOptions = {}): Tensor {
  options = checkOptions<CrossEntropyOptions>('crossEntropy', options) as CrossEntropyOptions;
  const op = 'crossEntropy';
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) throw new Error(`simdgrad: ${op}: labelSmoothing must be in [0, 1], got ${smoothing}.`);
  const ignoreIndex = resolveIgnoreIndex(op, options.ignoreIndex);
  return classLoss(op, input, target, options, ignoreIndex, MASKABLE, (targets, out, grad, perElement, scale) =>
    kernels().crossEntropyForward(input.ptr, targets, input.shape[0]!, input.shape[1]!, out, grad, perElement, scale, smoothing, ignoreIndex));
}

/** Negative log-likelihood of log-probabilities [N, C], as torch.nn.functional.nll_loss. */
export function nllLoss(input: Tensor, target: ClassTargets, options: NllLossOptions = {}): Tensor {
  options = checkOptions<NllLossOptions>('nllLoss', options) as NllLossOptions;
  const op = 'nllLoss';
  const ignoreIndex = resolveIgnoreIndex(op, options.ignoreIndex);
  return classLoss(op, input, target, options, ignoreIndex, MASKABLE, (targets, out, grad, perElement, scale) =>
    kernels().nllLossForward(input.ptr, targets, input.shape[0]!, input.shape[1]!, out, grad, perElement, scale, ignoreIndex));
}

/**
 * The multi-class hinge, as torch.nn.functional.multi_margin_loss: per sample
 * Σ_{c≠y} max(0, margin - input[y] + input[c])^p / C.
 */
export function multiMarginLoss(input: Tensor, target: ClassTargets, options: MultiMarginLossOptions = {}): Tensor {
  options = checkOptions<MultiMarginLossOptions>('multiMarginLoss', options) as MultiMarginLossOptions;
  const op = 'multiMarginLoss';
  const margin = options.margin ?? 1;
  const p = options.p ?? 1;
  if (p !== 1 && p !== 2) throw new Error(`simdgrad: ${op}: p must be 1 or 2, got ${String(p)}.`);
  if (!Number.isFinite(margin)) throw new Error(`simdgrad: ${op}: margin must be a finite number, got ${margin}.`);
  return classLoss(op, input, target, options, undefined, FINITE, (targets, out, grad, perElement, scale) =>
    kernels().multiMarginLossForward(input.ptr, targets, input.shape[0]!, input.shape[1]!, out, grad, perElement, scale, margin, p));
}

/** Runs a forward kernel: (out, grad or 0, perElement 0/1, scale). */
type LossKernel = (out: number, grad: number, perElement: number, scale: number) => void;

interface FusedLoss {
  op: string;
  input: Tensor;
  reduction: Reduction;
  /** Shape of the unreduced losses: the input's for elementwise losses, [N] for class losses. */
  lossShape: readonly number[];
  /** How many losses 'mean' divides by. */
  count: number;
  run: LossKernel;
}

// One kernel computes the loss and, when the input needs a gradient, d(loss)/d(input); the
// backward only multiplies that saved gradient by the upstream one.
function fusedLoss({ op, input, reduction, lossShape, count, run }: FusedLoss): Tensor {
  const perElement = reduction === 'none';
  const out = Tensor.empty(perElement ? lossShape : []);
  const grad = isGradEnabled() && input.requiresGrad ? Tensor.empty(input.shape) : null;
  try {
    run(out.ptr, grad?.ptr ?? 0, perElement ? 1 : 0, reduction === 'mean' ? 1 / count : 1);
    // As in PyTorch, the mean of no losses (every sample ignored, or an empty input) is NaN.
    if (reduction === 'mean' && count === 0) kernels().fill(out.ptr, 1, NaN);
  } catch (error) {
    out.dispose();
    grad?.dispose();
    throw error;
  }
  if (!grad) return out;
  const losses = out.size;
  record(out, {
    op,
    inputs: [input],
    saved: [grad],
    backward: (upstream, [saved]) => {
      const gradInput = Tensor.empty(input.shape);
      kernels().lossBackward(saved!.ptr, upstream.ptr, losses, input.size / losses, gradInput.ptr);
      return [gradInput];
    },
  });
  grad.dispose();
  return out;
}

function elementwiseLoss(op: string, input: Tensor, target: Tensor, options: LossOptions, run: LossKernel): Tensor {
  const reduction = resolveReduction(op, options.reduction);
  checkSameShape(op, input, target);
  checkFinite(op, 'input', input);
  checkFinite(op, 'target', target);
  return fusedLoss({ op, input, reduction, lossShape: input.shape, count: input.size, run });
}

type ClassLossKernel = (targetsPtr: number, out: number, grad: number, perElement: number, scale: number) => void;

function classLoss(op: string, input: Tensor, target: ClassTargets, options: LossOptions, ignoreIndex: number | undefined, allowed: AllowedValues, run: ClassLossKernel): Tensor {
  const reduction = resolveReduction(op, options.reduction);
  checkTensor(op, 'input', input);
  if (input.ndim !== 2 || input.shape[1] === 0) {
    throw new Error(`simdgrad: ${op}: input must be [N, C] (one row of class scores per sample), got ${formatShape(input.shape)}; reshape it, e.g. input.reshape(-1, C).`);
  }
  checkFinite(op, 'input', input, allowed);
  return withClassTargets(target, { op, input, ignoreIndex }, (targetsPtr, counted) =>
    fusedLoss({ op, input, reduction, lossShape: [input.shape[0]!], count: counted, run: (...args) => run(targetsPtr, ...args) }));
}

function resolveReduction(op: string, reduction: Reduction | undefined): Reduction {
  const resolved = reduction ?? 'mean';
  if (resolved !== 'mean' && resolved !== 'sum' && resolved !== 'none') {
    throw new Error(`simdgrad: ${op}: reduction '${String(reduction)}' is not one of 'mean', 'sum', 'none'.`);
  }
  return resolved;
}

function resolveIgnoreIndex(op: string, ignoreIndex: number | undefined): number {
  const resolved = ignoreIndex ?? DEFAULT_IGNORE_INDEX;
  if (!Number.isInteger(resolved) || Math.abs(resolved) > 2 ** 31 - 1) {
    throw new Error(`simdgrad: ${op}: ignoreIndex must be an integer, got ${ignoreIndex}.`);
  }
  return resolved;
}

function checkSameShape(op: string, input: Tensor, target: Tensor): void {
  checkTensor(op, 'input', input);
  if (!(target instanceof Tensor)) throw new Error(`simdgrad: ${op}: target must be a Tensor shaped like the input ${formatShape(input.shape)}.`);
  checkTensor(op, 'target', target);
  if (sameShape(input.shape, target.shape)) return;
  const shapes = `input ${formatShape(input.shape)} and target ${formatShape(target.shape)} differ in shape`;
  if (input.size === target.size) throw new Error(`simdgrad: ${op}: ${shapes}; reshape the target: target.reshape(${formatShape(input.shape)}).`);
  throw new Error(`simdgrad: ${op}: ${shapes} (${input.size} vs ${target.size} elements); pass one target value per input element.`);
}

// A weight that repeats over the input's leading dimensions: its shape, leading 1s aside, is
// the input's trailing dimensions.
function checkTrailingShape(op: string, name: string, weight: Tensor, input: Tensor): void {
  checkTensor(op, 'weight', weight);
  const dims = [...weight.shape];
  while (dims.length > 0 && dims[0] === 1) dims.shift();
  const trailing = input.shape.slice(input.ndim - dims.length);
  if (dims.length <= input.ndim && sameShape(dims, trailing)) return;
  throw new Error(
    `simdgrad: ${op}: ${name} ${formatShape(weight.shape)} does not repeat over input ${formatShape(input.shape)}; ` +
      `give it the input's shape or its trailing dimensions (e.g. ${formatShape(input.shape.slice(-1))}).`,
  );
}

/**
 * Which values an input may hold. Logits and log-probabilities may be -Infinity, the usual way
 * to mask a class (its probability is 0), as PyTorch allows; NaN and +Infinity there, and any
 * non-finite value elsewhere, mean diverged training or corrupt data.
 */
type AllowedValues = 'finite' | 'finiteOrNegativeInfinity';
const FINITE: AllowedValues = 'finite';
const MASKABLE: AllowedValues = 'finiteOrNegativeInfinity';

function checkFinite(op: string, name: 'input' | 'target', t: Tensor, allowed: AllowedValues = FINITE): void {
  const k = kernels();
  const maskable = allowed === MASKABLE;
  if (maskable ? k.allFiniteOrNegativeInfinity(t.ptr, t.size) : k.allFinite(t.ptr, t.size)) return;
  const refused = maskable ? (v: number) => !(v < Infinity) : (v: number) => !Number.isFinite(v);
  const values = t.toFloat32Array();
  const count = values.reduce((n, v) => (refused(v) ? n + 1 : n), 0);
  const first = values.findIndex(refused);
  const hint = name === 'input'
    ? 'training has probably diverged: lower the learning rate (or clip gradients), and check the data if it happens from the first step'
    : 'the targets come from the data: check it for missing or corrupt values';
  const kinds = maskable ? 'NaN/+Infinity' : 'NaN/Infinity';
  const masking = maskable ? ' (-Infinity is allowed: it masks a class)' : '';
  throw new Error(`simdgrad: ${op}: ${name} ${formatShape(t.shape)} contains ${count} ${kinds} value(s) (the first, ${values[first]}, at ${formatIndex(first, t.shape)}); ${hint}${masking}.`);
}

function firstIndexWhere(t: Tensor, predicate: (value: number) => boolean): number {
  return t.toFloat32Array().findIndex(predicate);
}

function valueAt(t: Tensor, index: number): number {
  return t.toFloat32Array()[index]!;
}

function formatIndex(flat: number, shape: readonly number[]): string {
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(flat % shape[d]!);
    flat = Math.floor(flat / shape[d]!);
  }
  return formatShape(index);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
