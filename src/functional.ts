// torch.nn.functional: the ops and losses as functions (imported as F).
export { linear } from './ops/linear.js';
export * from './ops/activation.js';
export * from './ops/softmax.js';
export * from './ops/dropout.js';
export * from './ops/loss.js';
export * from './ops/conv.js';
export * from './ops/pool.js';
export * from './ops/norm.js';
export { oneHot } from './ops/indexing.js';
export { scaledDotProductAttention, type ScaledDotProductAttentionOptions } from './ops/attention.js';
export { embedding, type EmbeddingOptions } from './ops/embedding.js';
