import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { zeros } from '../creation.js';
import { formatShape } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { checkBoolean, checkIndices, checkInteger, checkNumber, checkOptions, checkTensor } from '../check-args.js';

export interface EmbeddingOptions {
  /** A row whose gradient stays zero, e.g. the padding token (default null: none); negative counts from the end. */
  paddingIdx?: number | null;
  /** Rows looked up whose normType-norm exceeds this are scaled down to it, in the weight itself, before the lookup (default null: never). */
  maxNorm?: number | null;
  /** The p of the p-norm maxNorm bounds: any p > 0, or Infinity (default 2). */
  normType?: number;
  /** Divide each row's gradient by how often the row occurs in the input (default false). */
  scaleGradByFreq?: boolean;
}

/** What an exporter needs: the row that gets no gradient does not change the forward; maxNorm does. */
export interface EmbeddingAttributes {
  paddingIdx: number | null;
  maxNorm: number | null;
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
  const { maxNorm, normType, scaleGradByFreq } = resolveEmbeddingOptions('embedding', options);
  checkIndices('embedding', input, numEmbeddings, `the ${numEmbeddings} rows of weight ${formatShape(weight.shape)}`);
  const k = kernels();
  if (maxNorm !== null) k.embeddingRenorm(weight.ptr, input.ptr, input.size, dim, maxNorm, normType);
  const out = Tensor.empty([...input.shape, dim]);
  k.indexSelectForward(weight.ptr, input.ptr, out.ptr, 1, numEmbeddings, input.size, dim);
  return record<EmbeddingAttributes>(out, {
    op: 'embedding',
    inputs: [input, weight],
    attributes: { paddingIdx, maxNorm },
    saved: [input],
    backward: (g, [index]) => {
      const gradWeight = zeros(weight.shape);
      const counts = scaleGradByFreq ? Tensor.empty([numEmbeddings]) : null;
      k.embeddingBackward(g.ptr, index!.ptr, gradWeight.ptr, index!.size, dim, paddingIdx ?? -1, counts?.ptr ?? 0, numEmbeddings);
      counts?.dispose();
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

/** @internal maxNorm (null: none), normType and scaleGradByFreq, checked, with their defaults. */
export function resolveEmbeddingOptions(op: string, options: EmbeddingOptions): { maxNorm: number | null; normType: number; scaleGradByFreq: boolean } {
  const maxNorm = options.maxNorm === undefined || options.maxNorm === null ? null : checkNumber(op, 'maxNorm', options.maxNorm, { min: 0, exclusiveMin: true });
  const normType = checkNumber(op, 'normType', options.normType ?? 2, { min: 0, exclusiveMin: true, nonFinite: true });
  return { maxNorm, normType, scaleGradByFreq: checkBoolean(op, 'scaleGradByFreq', options.scaleGradByFreq) ?? false };
}
