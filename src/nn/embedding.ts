import { kernels } from '../backend/backend.js';
import { checkUnsupported, embedding, resolvePaddingIdx, type EmbeddingOptions } from '../ops/embedding.js';
import { Tensor } from '../tensor.js';
import { normal_ } from './init.js';
import { Module } from './module.js';
import { checkInteger, checkOptions } from '../check-args.js';

export type { EmbeddingOptions } from '../ops/embedding.js';

/**
 * A lookup table of numEmbeddings vectors of size embeddingDim, as torch.nn.Embedding: the
 * forward maps indices of any shape (float32 whole numbers) to input.shape + [embeddingDim].
 * weight [numEmbeddings, embeddingDim], initialised from N(0, 1) with the paddingIdx row zero.
 */
export class Embedding extends Module {
  readonly weight: Tensor;
  readonly paddingIdx: number | null;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    options = checkOptions<EmbeddingOptions>('Embedding', options) as EmbeddingOptions;
    checkInteger('Embedding', 'numEmbeddings', numEmbeddings, 0);
    checkInteger('Embedding', 'embeddingDim', embeddingDim, 0);
    this.paddingIdx = resolvePaddingIdx('Embedding', options.paddingIdx, numEmbeddings);
    checkUnsupported('Embedding', options);
    this.weight = this.registerParameter('weight', Tensor.empty([numEmbeddings, embeddingDim]));
    this.resetParameters();
  }

  /** PyTorch's default: N(0, 1), then the paddingIdx row set to zero. */
  resetParameters(): void {
    normal_(this.weight);
    if (this.paddingIdx !== null) kernels().fill!(this.weight.ptr + this.paddingIdx * this.embeddingDim * 4, this.embeddingDim, 0);
  }

  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? '' : `, padding_idx=${this.paddingIdx}`}`;
  }
}
