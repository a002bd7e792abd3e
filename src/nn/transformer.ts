import { gelu } from '../ops/activation.js';
import { add } from '../ops/arithmetic.js';
import type { Tensor } from '../tensor.js';
import { checkBoolean, checkInteger, checkNumber, checkOneOf, checkOptionalTensor, checkOptions, checkTensor, describe } from '../check-args.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { checkModule, Module } from './module.js';
import { MultiheadAttention } from './multihead-attention.js';
import { LayerNorm } from './normalization.js';

export interface TransformerEncoderLayerOptions {
  /** Width of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block, and on the attention weights (default 0.1). */
  dropout?: number;
  /** The feed-forward block's activation: 'relu' or exact 'gelu' (default 'relu'). */
  activation?: 'relu' | 'gelu';
  /** LayerNorm's eps (default 1e-5). */
  layerNormEps?: number;
  /** Input and output are [batch, seq, dModel] (default false: [seq, batch, dModel]). */
  batchFirst?: boolean;
  /** Normalize before attention and before the feed-forward block (pre-norm) rather than after (default false). */
  normFirst?: boolean;
  /** Biases in the linear layers and LayerNorms (default true). */
  bias?: boolean;
}

export interface TransformerEncoderForwardOptions {
  /** Attention mask, [L, L] or [batch·nhead, L, L] (default none); see MultiheadAttention's attnMask. */
  srcMask?: Tensor | null;
  /** [batch, L] (default none); see MultiheadAttention's keyPaddingMask. */
  srcKeyPaddingMask?: Tensor | null;
  /** Read srcMask and srcKeyPaddingMask as 0/1 bool masks, 1 = masked out (default false: additive). */
  boolMasks?: boolean;
  /** Position i attends to positions j <= i only, on top of any srcMask (default false). */
  isCausal?: boolean;
}

/**
 * One transformer encoder block as torch.nn.TransformerEncoderLayer: self-attention and a
 * feed-forward block (linear1, activation, linear2), each with a residual connection and a
 * LayerNorm, after (default) or before (normFirst) it. State-dict names as PyTorch's:
 * self_attn.*, linear1.*, linear2.*, norm1.*, norm2.*.
 */
export class TransformerEncoderLayer extends Module<[Tensor, TransformerEncoderForwardOptions?]> {
  readonly selfAttn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;
  readonly activation: 'relu' | 'gelu';
  readonly normFirst: boolean;
  /** The constructor's arguments, for TransformerEncoder's copies. */
  readonly config: Required<TransformerEncoderLayerOptions>;

  constructor(readonly dModel: number, readonly nhead: number, options: TransformerEncoderLayerOptions = {}) {
    super();
    const op = 'TransformerEncoderLayer';
    checkInteger(op, 'dModel', dModel, 1);
    checkInteger(op, 'nhead', nhead, 1);
    options = checkOptions<TransformerEncoderLayerOptions>(op, options) as TransformerEncoderLayerOptions;
    this.config = {
      dimFeedforward: options.dimFeedforward === undefined ? 2048 : checkInteger(op, 'dimFeedforward', options.dimFeedforward, 1),
      dropout: options.dropout === undefined ? 0.1 : checkNumber(op, 'dropout', options.dropout, { min: 0, max: 1 }),
      activation: options.activation === undefined ? 'relu' : checkOneOf(op, 'activation', options.activation, ['relu', 'gelu'] as const),
      layerNormEps: options.layerNormEps === undefined ? 1e-5 : checkNumber(op, 'layerNormEps', options.layerNormEps, { min: 0 }),
      batchFirst: checkBoolean(op, 'batchFirst', options.batchFirst) ?? false,
      normFirst: checkBoolean(op, 'normFirst', options.normFirst) ?? false,
      bias: checkBoolean(op, 'bias', options.bias) ?? true,
    };
    if (dModel % nhead !== 0) throw new Error(`simdgrad: ${op}: dModel (${dModel}) must be divisible by nhead (${nhead}).`);
    const { dimFeedforward, dropout, layerNormEps, batchFirst, bias } = this.config;
    this.activation = this.config.activation;
    this.normFirst = this.config.normFirst;
    this.selfAttn = this.registerModule('self_attn', new MultiheadAttention(dModel, nhead, { dropout, bias, batchFirst }));
    this.linear1 = this.registerModule('linear1', new Linear(dModel, dimFeedforward, { bias }));
    this.dropout = this.registerModule('dropout', new Dropout(dropout));
    this.linear2 = this.registerModule('linear2', new Linear(dimFeedforward, dModel, { bias }));
    this.norm1 = this.registerModule('norm1', new LayerNorm(dModel, { eps: layerNormEps, bias }));
    this.norm2 = this.registerModule('norm2', new LayerNorm(dModel, { eps: layerNormEps, bias }));
    this.dropout1 = this.registerModule('dropout1', new Dropout(dropout));
    this.dropout2 = this.registerModule('dropout2', new Dropout(dropout));
  }

  forward(src: Tensor, options: TransformerEncoderForwardOptions = {}): Tensor {
    checkTensor('TransformerEncoderLayer', 'src', src);
    const attention = checkForwardOptions('TransformerEncoderLayer', options);
    let x = src;
    if (this.normFirst) {
      x = add(x, this.selfAttentionBlock(this.norm1.forward(x), attention));
      return add(x, this.feedForwardBlock(this.norm2.forward(x)));
    }
    x = this.norm1.forward(add(x, this.selfAttentionBlock(x, attention)));
    return this.norm2.forward(add(x, this.feedForwardBlock(x)));
  }

  private selfAttentionBlock(x: Tensor, options: AttentionOptions): Tensor {
    const [out] = this.selfAttn.forward(x, x, x, { ...options, needWeights: false });
    return this.dropout1.forward(out);
  }

  // Linear then ReLU is one fused op; GELU follows its linear.
  private feedForwardBlock(x: Tensor): Tensor {
    const hidden = this.activation === 'relu' ? this.linear1.forwardRelu(x) : gelu(this.linear1.forward(x));
    return this.dropout2.forward(this.linear2.forward(this.dropout.forward(hidden)));
  }
}

export interface TransformerEncoderOptions {
  /** A module applied to the last layer's output, e.g. a LayerNorm (default none). */
  norm?: Module | null;
}

/**
 * numLayers copies of encoderLayer applied in turn, then `norm` if given, as
 * torch.nn.TransformerEncoder. Each copy starts from encoderLayer's parameters and trains its
 * own (encoderLayer itself is not used afterwards: dispose it when done); state-dict names are
 * layers.0.*, layers.1.*, ..., norm.*.
 */
export class TransformerEncoder extends Module<[Tensor, TransformerEncoderForwardOptions?]> {
  readonly layers: TransformerEncoderLayer[];
  readonly norm: Module | null;

  constructor(encoderLayer: TransformerEncoderLayer, readonly numLayers: number, options: TransformerEncoderOptions = {}) {
    super();
    const op = 'TransformerEncoder';
    if (!(encoderLayer instanceof TransformerEncoderLayer)) throw new Error(`simdgrad: ${op}: encoderLayer must be an nn.TransformerEncoderLayer, got ${describe(encoderLayer)}.`);
    checkInteger(op, 'numLayers', numLayers, 1);
    options = checkOptions<TransformerEncoderOptions>(op, options) as TransformerEncoderOptions;
    this.norm = options.norm === undefined || options.norm === null ? null : (checkModule(op, 'norm', options.norm) as Module);
    const state = encoderLayer.stateDict();
    const holder = this.registerModule('layers', new ModuleList());
    this.layers = Array.from({ length: numLayers }, (_, i) => {
      const layer = new TransformerEncoderLayer(encoderLayer.dModel, encoderLayer.nhead, encoderLayer.config);
      layer.loadStateDict(state);
      layer.train(encoderLayer.training);
      return holder.registerModule(String(i), layer);
    });
    if (this.norm) this.registerModule('norm', this.norm);
  }

  forward(src: Tensor, options: TransformerEncoderForwardOptions = {}): Tensor {
    checkTensor('TransformerEncoder', 'src', src);
    checkForwardOptions('TransformerEncoder', options);
    let x = src;
    for (const layer of this.layers) x = layer.forward(x, options);
    return this.norm ? (this.norm.forward(x) as Tensor) : x;
  }
}

// Holds the layers under the names 0, 1, ... as torch.nn.ModuleList.
class ModuleList extends Module<[never], never> {
  forward(): never {
    throw new Error('simdgrad: TransformerEncoder.layers: the list of layers has no forward(); call the TransformerEncoder.');
  }
}

type AttentionOptions = { attnMask?: Tensor; keyPaddingMask?: Tensor; boolMasks: boolean; isCausal: boolean };

function checkForwardOptions(op: string, options: TransformerEncoderForwardOptions): AttentionOptions {
  options = checkOptions<TransformerEncoderForwardOptions>(op, options) as TransformerEncoderForwardOptions;
  const attnMask = options.srcMask === null ? undefined : checkOptionalTensor(op, 'srcMask', options.srcMask);
  const keyPaddingMask = options.srcKeyPaddingMask === null ? undefined : checkOptionalTensor(op, 'srcKeyPaddingMask', options.srcKeyPaddingMask);
  return {
    ...(attnMask ? { attnMask } : {}),
    ...(keyPaddingMask ? { keyPaddingMask } : {}),
    boolMasks: checkBoolean(op, 'boolMasks', options.boolMasks) ?? false,
    isCausal: checkBoolean(op, 'isCausal', options.isCausal) ?? false,
  };
}
