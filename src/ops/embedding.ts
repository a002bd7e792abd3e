import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { zeros } from '../creation.js';
import { formatShape } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { checkBoolean, checkIndices, checkInteger, checkNumber, checkOptions, checkTensor } from '../check-args.js';

export interface EmbeddingOptions {
  /** A row whose gradient stays zero, e.g. the padding token (default null: none); negative counts from the end. */
  paddingIdx?: number | null;
  /** Renormalizing looked-up rows to this norm (default null: never); not supported, so only null is accepted. */
  maxNorm?: number | null;
  /** Scaling each row's gradient by 1 / its count in the batch (default false); not supported, so only false is accepted. */
  scaleGradByFreq?: boolean;
}

/** What an exporter needs: the row that gets no gradient does not change the forward. */
export interface EmbeddingAttributes {
  paddingIdx: number | null;
}

/**
 * Rows of `weight` [numEmbeddings, embeddingDim] looked up by `input`, as
 * torch.nn.functional.embedding: output input.shape + [embeddingDim]. `input` holds whole
 * numbers in [0, numEmbeddings) (float32, the library's only dtype). The weight gradient adds up
 * the upstream rows over repeated indices; the paddingIdx row gets none (its value is still read).
 */
export function embedding(input: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  checkTensor('embedding', 'input', input);
  checkTensor('embedding', 'weight', weight);
  options = checkOptions<EmbeddingOptions>('embedding', options) as EmbeddingOptions;
  if (weight.ndim !== 2) throw new Error(`simdgrad: embedding: weight must be 2-D [numEmbeddings, embeddingDim], got ${formatShape(weight.shape)}.`);
  const [numEmbeddings, dim] = weight.shape as [number, number];
  const paddingIdx = resolvePaddingIdx('embedding', options.paddingIdx, numEmbeddings);
  checkUnsupported('embedding', options);
  checkIndices('embedding', input, numEmbeddings, `the ${numEmbeddings} rows of weight ${formatShape(weight.shape)}`);
  const out = Tensor.empty([...input.shape, dim]);
  kernels().indexSelectForward!(weight.ptr, input.ptr, out.ptr, 1, numEmbeddings, input.size, dim);
  return record<EmbeddingAttributes>(out, {
    op: 'embedding',
    inputs: [input, weight],
    attributes: { paddingIdx },
    saved: [input],
    backward: (g, [index]) => {
      const gradWeight = zeros(weight.shape);
      kernels().embeddingBackward!(g.ptr, index!.ptr, gradWeight.ptr, index!.size, dim, paddingIdx ?? -1);
      return [null, gradWeight];
    },
  });
}

/** @internal paddingIdx in [-numEmbeddings, numEmbeddings), made non-negative as PyTorch does; null for none. */
export function resolvePaddingIdx(op: string, paddingIdx: unknown, numEmbeddings: number): number | null {
  if (paddingIdx === undefined || paddingIdx === null) return null;
  const value = checkInteger(op, 'paddingIdx', paddingIdx);
  if (value < -numEmbeddings || value >= numEmbeddings) {
    throw new Error(`simdgrad: ${op}: paddingIdx must be within [-${numEmbeddings}, ${numEmbeddings}) for ${numEmbeddings} embeddings, got ${value}.`);
  }
  return value < 0 ? value + numEmbeddings : value;
}

/** @internal Refuses the options PyTorch has and simdgrad does not implement, rather than ignoring them. */
export function checkUnsupported(op: string, options: EmbeddingOptions): void {
  if (options.maxNorm !== undefined && options.maxNorm !== null) {
    checkNumber(op, 'maxNorm', options.maxNorm);
    throw new Error(`simdgrad: ${op}: maxNorm is not supported (got ${options.maxNorm}); leave it out (null) and renormalize the weight yourself if you need it.`);
  }
  if (checkBoolean(op, 'scaleGradByFreq', options.scaleGradByFreq)) {
    throw new Error(`simdgrad: ${op}: scaleGradByFreq is not supported (got true); leave it out (false).`);
  }
}
