import { kernels } from '../backend/backend.js';
import { embedding, resolveEmbeddingOptions, resolvePaddingIdx, type EmbeddingOptions } from '../ops/embedding.js';
import { Tensor } from '../tensor.js';
import { formatShape } from '../shape-util.js';
import { normal_ } from './init.js';
import { Module } from './module.js';
import { pythonFloat } from './repr.js';
import { checkBoolean, checkInteger, checkOptions, checkTensor } from '../check-args.js';

export type { EmbeddingOptions } from '../ops/embedding.js';

export interface EmbeddingFromPretrainedOptions extends EmbeddingOptions {
  /** Keep the weight fixed: it gets no gradient, so optimizers leave it alone (default true). */
  freeze?: boolean;
}

/**
 * A lookup table of numEmbeddings vectors of size embeddingDim, as torch.nn.Embedding: the
 * forward maps indices of any shape (float32 whole numbers) to input.shape + [embeddingDim].
 * weight [numEmbeddings, embeddingDim], initialised from N(0, 1) with the paddingIdx row zero.
 * With maxNorm, each forward first scales the rows it looks up down to that norm, in the weight.
 */
export class Embedding extends Module {
  readonly weight: Tensor;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    options = checkOptions<EmbeddingOptions>('Embedding', options) as EmbeddingOptions;
    checkInteger('Embedding', 'numEmbeddings', numEmbeddings, 0);
    checkInteger('Embedding', 'embeddingDim', embeddingDim, 0);
    this.paddingIdx = resolvePaddingIdx('Embedding', options.paddingIdx, numEmbeddings);
    ({ maxNorm: this.maxNorm, normType: this.normType, scaleGradByFreq: this.scaleGradByFreq } = resolveEmbeddingOptions('Embedding', options));
    this.weight = this.registerParameter('weight', Tensor.empty([numEmbeddings, embeddingDim]));
    this.resetParameters();
  }

  /**
   * An Embedding whose weight is a copy of `embeddings` [numEmbeddings, embeddingDim] (the
   * paddingIdx row too, as given), frozen unless { freeze: false }, as
   * torch.nn.Embedding.from_pretrained.
   */
  static fromPretrained(embeddings: Tensor, options: EmbeddingFromPretrainedOptions = {}): Embedding {
    checkTensor('Embedding.fromPretrained', 'embeddings', embeddings);
    const { freeze, ...layerOptions } = checkOptions<EmbeddingFromPretrainedOptions>('Embedding.fromPretrained', options) as EmbeddingFromPretrainedOptions;
    const frozen = checkBoolean('Embedding.fromPretrained', 'freeze', freeze) ?? true;
    if (embeddings.ndim !== 2) {
      throw new Error(`simdgrad: Embedding.fromPretrained: embeddings must be 2-D [numEmbeddings, embeddingDim], got ${formatShape(embeddings.shape)}.`);
    }
    const layer = new Embedding(embeddings.shape[0]!, embeddings.shape[1]!, layerOptions);
    kernels().copy(embeddings.ptr, layer.weight.ptr, embeddings.size);
    layer.weight.requiresGrad = !frozen;
    return layer;
  }

  /** PyTorch's default: N(0, 1), then the paddingIdx row set to zero. */
  resetParameters(): void {
    normal_(this.weight);
    if (this.paddingIdx !== null) kernels().fill(this.weight.ptr + this.paddingIdx * this.embeddingDim * 4, this.embeddingDim, 0);
  }

  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType, scaleGradByFreq: this.scaleGradByFreq });
  }

  override extraRepr(): string {
    const parts = [`${this.numEmbeddings}, ${this.embeddingDim}`];
    if (this.paddingIdx !== null) parts.push(`padding_idx=${this.paddingIdx}`);
    if (this.maxNorm !== null) parts.push(`max_norm=${pythonFloat(this.maxNorm)}`);
    if (this.normType !== 2) parts.push(`norm_type=${pythonFloat(this.normType)}`);
    if (this.scaleGradByFreq) parts.push('scale_grad_by_freq=True');
    return parts.join(', ');
  }
}
