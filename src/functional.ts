// torch.nn.functional: the ops and losses as functions (imported as F).
export { linear } from './ops/linear.js';
export * from './ops/activation.js';
export * from './ops/softmax.js';
export * from './ops/dropout.js';
export * from './ops/loss.js';
export { conv2d, conv2dRelu, type Conv2dOptions, type Conv2dAttributes, type SpatialSize } from './ops/conv.js';
export { conv1d, type Conv1dOptions } from './ops/conv1d.js';
export { convTranspose2d, type ConvTranspose2dOptions } from './ops/conv-transpose.js';
export * from './ops/pool.js';
export { interpolate, type InterpolateOptions, type InterpolateMode } from './ops/interpolate.js';
export * from './ops/norm.js';
export { groupNorm, type GroupNormOptions } from './ops/group-norm.js';
export { oneHot } from './ops/indexing.js';
export { scaledDotProductAttention, type ScaledDotProductAttentionOptions } from './ops/attention.js';
export { embedding, type EmbeddingOptions } from './ops/embedding.js';
