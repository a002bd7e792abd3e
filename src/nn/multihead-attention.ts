import { full, zeros } from '../creation.js';
import { add } from '../ops/arithmetic.js';
import { scaledDotProductAttention } from '../ops/attention.js';
import { packedSelfAttention } from '../ops/attention-packed.js';
import { mergeHeads, splitHeads } from '../ops/attention-heads.js';
import { dropout } from '../ops/dropout.js';
import { linear } from '../ops/linear.js';
import { matmul } from '../ops/matmul.js';
import { squeeze, transpose, unsqueeze } from '../ops/permute.js';
import { mean } from '../ops/reduce.js';
import { maskedFill } from '../ops/select.js';
import { reshape } from '../ops/shape.js';
import { narrow } from '../ops/slice.js';
import { softmax } from '../ops/softmax.js';
import { triu } from '../ops/triangle.js';
import { formatShape } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { checkBoolean, checkInteger, checkNumber, checkOptionalTensor, checkOptions, checkTensor, isTensor } from '../check-args.js';
import { constant_, xavierUniform_ } from './init.js';
import { Linear } from './linear.js';
import { Module } from './module.js';

export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights while training (default 0). */
  dropout?: number;
  /** Biases on the input and output projections (default true). */
  bias?: boolean;
  /** Inputs and output are [batch, seq, feature] (default false: [seq, batch, feature], as PyTorch). */
  batchFirst?: boolean;
  /** Features of key (default embedDim); another size gives key its own k_proj_weight. */
  kdim?: number;
  /** Features of value (default embedDim); another size gives value its own v_proj_weight. */
  vdim?: number;
}

export interface MultiheadAttentionForwardOptions {
  /**
   * [L, S], or [batch·numHeads, L, S] for one mask per head (default none): added to the scores,
   * or with boolMasks a 0/1 mask where 1 = may not attend, as PyTorch's bool attn_mask.
   */
  attnMask?: Tensor | null;
  /** [batch, S] (default none): added per key, or with boolMasks 1 = a padding key to ignore. */
  keyPaddingMask?: Tensor | null;
  /**
   * Read attnMask and keyPaddingMask as PyTorch's bool masks, written as 0/1 float masks
   * (default false: both are additive).
   */
  boolMasks?: boolean;
  /** Also return the attention weights (default true, as PyTorch); false takes the fused path. */
  needWeights?: boolean;
  /** Query i attends to keys j <= i only, on top of any attnMask (default false). */
  isCausal?: boolean;
  /** Average the returned weights over the heads (default true): [batch, L, S], else [batch, numHeads, L, S]. */
  averageAttnWeights?: boolean;
}

/**
 * Multi-head attention as torch.nn.MultiheadAttention: each of numHeads heads attends with its
 * embedDim/numHeads slice of the projected query, key and value, the heads are concatenated
 * and projected by out_proj. Parameters and their state-dict names are PyTorch's: in_proj_weight
 * [3·embedDim, embedDim] (W_q, W_k, W_v stacked; q_proj_weight, k_proj_weight, v_proj_weight
 * instead when kdim or vdim differ), in_proj_bias [3·embedDim], out_proj.weight, out_proj.bias.
 * forward(query, key, value, options) returns [output, weights or null]; 2-D inputs are one
 * unbatched sequence, as in PyTorch.
 */
export class MultiheadAttention extends Module<[Tensor, Tensor, Tensor, MultiheadAttentionForwardOptions?], [Tensor, Tensor | null]> {
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly kdim: number;
  readonly vdim: number;
  readonly headDim: number;
  readonly inProjWeight: Tensor | null;
  readonly qProjWeight: Tensor | null;
  readonly kProjWeight: Tensor | null;
  readonly vProjWeight: Tensor | null;
  readonly inProjBias: Tensor | null;
  readonly outProj: Linear;

  constructor(readonly embedDim: number, readonly numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    const op = 'MultiheadAttention';
    checkInteger(op, 'embedDim', embedDim, 1);
    checkInteger(op, 'numHeads', numHeads, 1);
    options = checkOptions<MultiheadAttentionOptions>(op, options) as MultiheadAttentionOptions;
    if (embedDim % numHeads !== 0) throw new Error(`simdgrad: ${op}: embedDim (${embedDim}) must be divisible by numHeads (${numHeads}).`);
    this.dropout = options.dropout === undefined ? 0 : checkNumber(op, 'dropout', options.dropout, { min: 0, max: 1 });
    const bias = checkBoolean(op, 'bias', options.bias) ?? true;
    this.batchFirst = checkBoolean(op, 'batchFirst', options.batchFirst) ?? false;
    this.kdim = options.kdim === undefined ? embedDim : checkInteger(op, 'kdim', options.kdim, 1);
    this.vdim = options.vdim === undefined ? embedDim : checkInteger(op, 'vdim', options.vdim, 1);
    this.headDim = embedDim / numHeads;
    const packed = this.kdim === embedDim && this.vdim === embedDim;
    this.inProjWeight = packed ? this.registerParameter('in_proj_weight', Tensor.empty([3 * embedDim, embedDim])) : null;
    this.qProjWeight = packed ? null : this.registerParameter('q_proj_weight', Tensor.empty([embedDim, embedDim]));
    this.kProjWeight = packed ? null : this.registerParameter('k_proj_weight', Tensor.empty([embedDim, this.kdim]));
    this.vProjWeight = packed ? null : this.registerParameter('v_proj_weight', Tensor.empty([embedDim, this.vdim]));
    this.inProjBias = bias ? this.registerParameter('in_proj_bias', Tensor.empty([3 * embedDim])) : null;
    this.outProj = this.registerModule('out_proj', new Linear(embedDim, embedDim, { bias }));
    this.resetParameters();
  }

  /** PyTorch's: the input projections Xavier-uniform, their biases and out_proj's bias zero, out_proj.weight as a Linear's. */
  resetParameters(): void {
    for (const w of [this.inProjWeight, this.qProjWeight, this.kProjWeight, this.vProjWeight]) if (w) xavierUniform_(w);
    if (this.inProjBias) constant_(this.inProjBias, 0);
    this.outProj.resetParameters();
    if (this.outProj.bias) constant_(this.outProj.bias, 0);
  }

  forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    if (isTensor(query) && query.ndim === 2) return this.forwardUnbatched(query, key, value, options);
    const plan = this.checkForward(query, key, value, options);
    const dropoutP = this.training ? this.dropout : 0;
    const given = this.combinedMask(plan);
    // Self-attention with nothing but the causal cut: one op reads the heads from the packed
    // projection in place and writes them merged.
    if (this.inProjWeight && query === key && key === value && !given && !plan.needWeights && dropoutP === 0) {
      const packed = linear(query, this.inProjWeight, this.inProjBias);
      return [this.outProj.forward(packedSelfAttention(packed, this.numHeads, { batchFirst: this.batchFirst, isCausal: plan.isCausal })), null];
    }
    const [qh, kh, vh] = this.projectHeads(query, key, value);
    // The fused op cuts the causal triangle itself; only alongside another mask is it a tensor.
    const fusedCausal = plan.isCausal && !given && !plan.needWeights;
    const causal = plan.isCausal && !fusedCausal ? triu(full([plan.l, plan.s], -Infinity), 1) : null;
    const mask = given && causal ? add(given, causal) : (given ?? causal);
    let out: Tensor;
    let weights: Tensor | null = null;
    if (!plan.needWeights) {
      out = scaledDotProductAttention(qh, kh, vh, { attnMask: mask, isCausal: fusedCausal, dropoutP });
    } else {
      const scores = matmul(qh, transpose(kh, -2, -1)).mul(1 / Math.sqrt(this.headDim));
      const probs = softmax(mask ? add(scores, mask) : scores, -1);
      weights = dropoutP > 0 ? dropout(probs, { p: dropoutP }) : probs;
      out = matmul(weights, vh);
      if (plan.averageAttnWeights) weights = mean(weights, 1);
    }
    return [this.outProj.forward(mergeHeads(out, this.batchFirst)), weights];
  }

  // [L, features] inputs (one sequence) run as a batch of one and come back without the batch
  // dimension, as PyTorch's unbatched input; keyPaddingMask is then [S].
  private forwardUnbatched(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionForwardOptions): [Tensor, Tensor | null] {
    const op = 'MultiheadAttention';
    checkTensor(op, 'key', key);
    checkTensor(op, 'value', value);
    options = checkOptions<MultiheadAttentionForwardOptions>(op, options) as MultiheadAttentionForwardOptions;
    const padding = options.keyPaddingMask === null ? undefined : checkOptionalTensor(op, 'keyPaddingMask', options.keyPaddingMask);
    if (key.ndim !== 2 || value.ndim !== 2) {
      throw new Error(`simdgrad: ${op}: query ${formatShape(query.shape)} is one unbatched sequence, so key and value must be 2-D too, got ${formatShape(key.shape)} and ${formatShape(value.shape)}.`);
    }
    const batchDim = this.batchFirst ? 0 : 1;
    const q = unsqueeze(query, batchDim);
    const k = key === query ? q : unsqueeze(key, batchDim);
    const v = value === key ? k : value === query ? q : unsqueeze(value, batchDim);
    const keyPaddingMask = padding && padding.ndim === 1 ? unsqueeze(padding, 0) : padding;
    const [out, weights] = this.forward(q, k, v, { ...options, keyPaddingMask });
    return [squeeze(out, batchDim), weights && squeeze(weights, 0)];
  }

  // Self-attention (one tensor for query, key and value) projects once with the packed weight.
  private projectHeads(query: Tensor, key: Tensor, value: Tensor): [Tensor, Tensor, Tensor] {
    const e = this.embedDim;
    if (this.inProjWeight && query === key && key === value) {
      const packed = linear(query, this.inProjWeight, this.inProjBias);
      return [0, 1, 2].map((part) => splitHeads(packed, this.numHeads, part, 3, this.batchFirst)) as [Tensor, Tensor, Tensor];
    }
    const inputs = [query, key, value];
    const separate = [this.qProjWeight, this.kProjWeight, this.vProjWeight];
    return [0, 1, 2].map((part) => {
      const weight = this.inProjWeight ? narrow(this.inProjWeight, 0, part * e, e) : separate[part]!;
      const bias = this.inProjBias ? narrow(this.inProjBias, 0, part * e, e) : null;
      return splitHeads(linear(inputs[part]!, weight, bias), this.numHeads, 0, 1, this.batchFirst);
    }) as [Tensor, Tensor, Tensor];
  }

  // attnMask and keyPaddingMask as one additive mask broadcasting to [batch, numHeads, L, S].
  private combinedMask(plan: ForwardPlan): Tensor | null {
    const additive = (m: Tensor): Tensor => (plan.boolMasks ? maskedFill(zeros(m.shape), m, -Infinity) : m);
    const parts: Tensor[] = [];
    if (plan.attnMask) {
      const m = additive(plan.attnMask);
      parts.push(m.ndim === 3 ? reshape(m, [plan.batch, this.numHeads, plan.l, plan.s]) : m);
    }
    if (plan.keyPaddingMask) parts.push(reshape(additive(plan.keyPaddingMask), [plan.batch, 1, 1, plan.s]));
    return parts.length === 0 ? null : parts.length === 1 ? parts[0]! : add(parts[0]!, parts[1]!);
  }

  private checkForward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionForwardOptions): ForwardPlan {
    const op = 'MultiheadAttention';
    checkTensor(op, 'query', query);
    checkTensor(op, 'key', key);
    checkTensor(op, 'value', value);
    options = checkOptions<MultiheadAttentionForwardOptions>(op, options) as MultiheadAttentionForwardOptions;
    const attnMask = options.attnMask === null ? undefined : checkOptionalTensor(op, 'attnMask', options.attnMask);
    const keyPaddingMask = options.keyPaddingMask === null ? undefined : checkOptionalTensor(op, 'keyPaddingMask', options.keyPaddingMask);
    const flags = {
      boolMasks: checkBoolean(op, 'boolMasks', options.boolMasks) ?? false,
      needWeights: checkBoolean(op, 'needWeights', options.needWeights) ?? true,
      isCausal: checkBoolean(op, 'isCausal', options.isCausal) ?? false,
      averageAttnWeights: checkBoolean(op, 'averageAttnWeights', options.averageAttnWeights) ?? true,
    };
    const layout = this.batchFirst ? '[batch, seq, features]' : '[seq, batch, features]';
    const sizes = (t: Tensor): [number, number] => (this.batchFirst ? [t.shape[0]!, t.shape[1]!] : [t.shape[1]!, t.shape[0]!]);
    const wants: [string, Tensor, number][] = [['query', query, this.embedDim], ['key', key, this.kdim], ['value', value, this.vdim]];
    for (const [name, t, features] of wants) {
      if (t.ndim !== 3 || t.shape[2] !== features) throw new Error(`simdgrad: ${op}: ${name} must be ${layout} with ${features} features, got ${formatShape(t.shape)}.`);
    }
    const [batch, l] = sizes(query);
    const [keyBatch, s] = sizes(key);
    const [valueBatch, valueLength] = sizes(value);
    if (keyBatch !== batch || valueBatch !== batch || valueLength !== s) {
      throw new Error(`simdgrad: ${op}: query ${formatShape(query.shape)}, key ${formatShape(key.shape)} and value ${formatShape(value.shape)} must share the batch size, and key and value the sequence length.`);
    }
    const maskShapes = [[l, s], [batch * this.numHeads, l, s]];
    if (attnMask && !maskShapes.some((shape) => sameShape(attnMask.shape, shape))) {
      throw new Error(`simdgrad: ${op}: attnMask must be [${l}, ${s}] or [${batch * this.numHeads}, ${l}, ${s}] ([L, S] or [batch·numHeads, L, S]), got ${formatShape(attnMask.shape)}.`);
    }
    if (keyPaddingMask && !sameShape(keyPaddingMask.shape, [batch, s])) {
      throw new Error(`simdgrad: ${op}: keyPaddingMask must be [${batch}, ${s}] ([batch, S]), got ${formatShape(keyPaddingMask.shape)}.`);
    }
    return { attnMask: attnMask ?? null, keyPaddingMask: keyPaddingMask ?? null, batch, l, s, ...flags };
  }
}

interface ForwardPlan {
  attnMask: Tensor | null;
  keyPaddingMask: Tensor | null;
  boolMasks: boolean;
  needWeights: boolean;
  isCausal: boolean;
  averageAttnWeights: boolean;
  batch: number;
  l: number;
  s: number;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
