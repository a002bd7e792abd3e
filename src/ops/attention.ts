import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { noGrad } from '../autograd/grad-mode.js';
import { nextUint32 } from '../random.js';
import { formatShape, shapeSize } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { checkBoolean, checkNumber, checkOptionalTensor, checkOptions, checkTensor } from '../check-args.js';
import { broadcastBinary } from './broadcast-kernel.js';
import { expand } from './permute.js';

export interface ScaledDotProductAttentionOptions {
  /**
   * A mask broadcastable to the scores' shape [..., L, S] (default none). Added to the scaled
   * scores (-Infinity removes a key), unless `boolMask` is set. Not allowed with `isCausal`.
   */
  attnMask?: Tensor | null;
  /**
   * Read attnMask as PyTorch's bool mask, which this library writes as a 0/1 float mask (what
   * comparisons return): nonzero = the query attends to that key, 0 = it does not (default false).
   */
  boolMask?: boolean;
  /** Query i attends to keys j <= i only, as a lower-triangular mask (default false). */
  isCausal?: boolean;
  /** The factor applied to Q Kᵀ (default null: 1/√E, E the last dimension of query). */
  scale?: number | null;
  /** Probability of zeroing each attention weight, survivors scaled by 1/(1 - p) (default 0). */
  dropoutP?: number;
}

/** How the kernels read the mask; the numbers are assembly/attention.ts's. */
const MASK_NONE = 0;
const MASK_ADD = 1;
const MASK_KEEP = 2;

/** What an exporter needs: the scale and the masking (the mask itself is input 3). */
export interface AttentionAttributes {
  scale: number;
  isCausal: boolean;
  boolMask: boolean;
}

/**
 * softmax(Q Kᵀ·scale + mask) V over the last two dimensions, as PyTorch 2's
 * torch.nn.functional.scaled_dot_product_attention: query [..., L, E], key [..., S, E],
 * value [..., S, Ev] -> [..., L, Ev], with the same leading dimensions on all three. A row
 * whose keys are all masked out is NaN, as in PyTorch. Gradients flow to query, key, value and
 * an additive mask that requires them.
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options: ScaledDotProductAttentionOptions = {}): Tensor {
  const op = 'scaledDotProductAttention';
  checkTensor(op, 'query', query);
  checkTensor(op, 'key', key);
  checkTensor(op, 'value', value);
  options = checkOptions<ScaledDotProductAttentionOptions>(op, options) as ScaledDotProductAttentionOptions;
  const mask = options.attnMask === null ? undefined : checkOptionalTensor(op, 'attnMask', options.attnMask);
  const boolMask = checkBoolean(op, 'boolMask', options.boolMask) ?? false;
  const isCausal = checkBoolean(op, 'isCausal', options.isCausal) ?? false;
  const dropoutP = options.dropoutP === undefined ? 0 : checkNumber(op, 'dropoutP', options.dropoutP, { min: 0, max: 1 });
  const shapes = attentionShapes(query, key, value);
  const scale = options.scale === undefined || options.scale === null ? 1 / Math.sqrt(shapes.e) : checkNumber(op, 'scale', options.scale);
  if (mask && isCausal) throw new Error(`simdgrad: ${op}: pass attnMask or isCausal, not both (isCausal is the lower-triangular mask), as in PyTorch.`);
  const scoreShape = [...shapes.batchShape, shapes.l, shapes.s];
  if (mask) checkMaskShape(op, mask, scoreShape);
  return attend(query, key, value, { mask: mask ?? null, boolMask, isCausal, dropoutP, scale, scoreShape, ...shapes });
}

interface AttentionShapes {
  batchShape: number[];
  batch: number;
  l: number;
  s: number;
  e: number;
  ev: number;
}

function attentionShapes(query: Tensor, key: Tensor, value: Tensor): AttentionShapes {
  const op = 'scaledDotProductAttention';
  if (query.ndim < 2 || key.ndim !== query.ndim || value.ndim !== query.ndim) {
    throw new Error(`simdgrad: ${op}: query, key and value must have the same number of dimensions (at least 2: [..., L, E], [..., S, E], [..., S, Ev]), got ${formatShape(query.shape)}, ${formatShape(key.shape)} and ${formatShape(value.shape)}.`);
  }
  const batchShape = query.shape.slice(0, -2);
  const sameBatch = (t: Tensor): boolean => t.shape.slice(0, -2).every((d, i) => d === batchShape[i]);
  const [l, e] = query.shape.slice(-2) as [number, number];
  const [s, ek] = key.shape.slice(-2) as [number, number];
  const [sv, ev] = value.shape.slice(-2) as [number, number];
  if (!sameBatch(key) || !sameBatch(value) || ek !== e || sv !== s) {
    throw new Error(`simdgrad: ${op}: query ${formatShape(query.shape)}, key ${formatShape(key.shape)} and value ${formatShape(value.shape)} do not fit [..., L, E], [..., S, E], [..., S, Ev] with the same leading dimensions.`);
  }
  return { batchShape, batch: shapeSize(batchShape), l, s, e, ev };
}

function checkMaskShape(op: string, mask: Tensor, scoreShape: number[]): void {
  const lead = scoreShape.length - mask.ndim;
  const fits = lead >= 0 && mask.shape.every((d, i) => d === 1 || d === scoreShape[lead + i]);
  if (!fits) throw new Error(`simdgrad: ${op}: attnMask ${formatShape(mask.shape)} does not broadcast to the scores' shape ${formatShape(scoreShape)} ([..., L, S]).`);
}

interface AttentionPlan extends AttentionShapes {
  mask: Tensor | null;
  boolMask: boolean;
  isCausal: boolean;
  dropoutP: number;
  scale: number;
  scoreShape: number[];
}

// The kernels read one [L, S] mask for every problem (stride 0) or one per problem; any other
// broadcast is copied out first, through expand when the mask needs a gradient.
function attend(query: Tensor, key: Tensor, value: Tensor, plan: AttentionPlan): Tensor {
  const { batch, l, s, e, ev, scale, mask, boolMask } = plan;
  const maskNeedsGrad = mask !== null && !boolMask && mask.requiresGrad;
  const shared = mask !== null && !maskNeedsGrad && shapeSize(mask.shape) === l * s && mask.shape[mask.ndim - 1] === s;
  const fullMask = mask === null || shared ? mask : maskNeedsGrad ? expand(mask, plan.scoreShape) : noGrad(() => expand(mask, plan.scoreShape));
  const k = kernels();
  const probs = Tensor.empty(plan.scoreShape);
  const maskKind = mask === null ? MASK_NONE : boolMask ? MASK_KEEP : MASK_ADD;
  k.attentionProbsForward(query.ptr, key.ptr, probs.ptr, fullMask?.ptr ?? 0, shared ? 0 : l * s, maskKind, batch, l, s, e, scale, plan.isCausal ? 1 : 0);
  const dropped = plan.dropoutP > 0 ? dropProbabilities(probs, plan.dropoutP) : null;
  const weights = dropped?.weights ?? probs;
  const out = Tensor.empty([...plan.batchShape, l, ev]);
  k.gemmBatched(0, 0, l, ev, s, weights.ptr, l * s, value.ptr, s * ev, out.ptr, l * ev, batch, 0);
  record(out, {
    op: 'scaledDotProductAttention',
    inputs: [query, key, value, maskNeedsGrad ? fullMask : mask],
    attributes: { scale, isCausal: plan.isCausal, boolMask } satisfies AttentionAttributes,
    saved: dropped ? [query, key, value, probs, dropped.weights, dropped.keep] : [query, key, value, probs],
    backward: (g, [q, kk, v, p, droppedWeights, keep]) => {
      const gv = value.requiresGrad ? Tensor.empty(value.shape) : null;
      if (gv) k.gemmBatched(1, 0, s, ev, l, (droppedWeights ?? p!).ptr, l * s, g.ptr, l * ev, gv.ptr, s * ev, batch, 0);
      if (!query.requiresGrad && !key.requiresGrad && !maskNeedsGrad) return [null, null, gv, null];
      let gradWeights = Tensor.empty(plan.scoreShape);
      k.gemmBatched(0, 1, l, s, ev, g.ptr, l * ev, v!.ptr, s * ev, gradWeights.ptr, l * s, batch, 0);
      if (keep) {
        const gradProbs = broadcastBinary('mulForward', gradWeights, keep, plan.scoreShape);
        gradWeights.dispose();
        gradWeights = gradProbs;
      }
      const gradMask = maskNeedsGrad ? Tensor.empty(plan.scoreShape) : null;
      if (gradMask) k.attentionSoftmaxBackward(p!.ptr, gradWeights.ptr, gradMask.ptr, batch * l, s, 1);
      const gradScores = gradWeights;
      k.attentionSoftmaxBackward(p!.ptr, gradWeights.ptr, gradScores.ptr, batch * l, s, scale);
      const gq = query.requiresGrad ? Tensor.empty(query.shape) : null;
      const gk = key.requiresGrad ? Tensor.empty(key.shape) : null;
      if (gq) k.gemmBatched(0, 0, l, e, s, gradScores.ptr, l * s, kk!.ptr, s * e, gq.ptr, l * e, batch, 0);
      if (gk) k.gemmBatched(1, 0, s, e, l, gradScores.ptr, l * s, q!.ptr, l * e, gk.ptr, s * e, batch, 0);
      gradScores.dispose();
      return [gq, gk, gv, gradMask];
    },
  });
  probs.dispose();
  dropped?.weights.dispose();
  dropped?.keep.dispose();
  if (fullMask && fullMask !== mask) fullMask.dispose();
  return out;
}

// Inverted dropout on the probabilities; `keep` holds 0 or 1/(1 - p) for the backward.
function dropProbabilities(probs: Tensor, p: number): { weights: Tensor; keep: Tensor } {
  const weights = Tensor.empty(probs.shape);
  const keep = Tensor.empty(probs.shape);
  kernels().randomSeed(nextUint32());
  kernels().dropoutForward(probs.ptr, weights.ptr, keep.ptr, probs.size, p, p === 1 ? 0 : 1 / (1 - p));
  return { weights, keep };
}
