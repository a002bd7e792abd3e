// torch.nn: modules and their initialisation (imported as nn).
export { Module, type AnyModule } from './module.js';
export type { StateDict, StateDictEntry, StateDictInput, LoadStateDictOptions, LoadStateDictResult } from './state-dict.js';
export { Linear, Identity, type LinearOptions } from './linear.js';
export { ReLU, ReLU6, Hardsigmoid, Hardswish, Mish, LeakyReLU, Sigmoid, Tanh, ELU, SiLU, Softplus, GELU, Softmax, LogSoftmax, type EluOptions, type GeluOptions } from './activation.js';
export type { SoftplusOptions } from '../ops/activation.js';
export { Dropout } from './dropout.js';
export { Flatten } from './flatten.js';
export { Embedding, type EmbeddingFromPretrainedOptions } from './embedding.js';
export { Conv2d, type Conv2dOptions } from './conv.js';
export { Conv1d, type Conv1dOptions } from './conv1d.js';
export { ConvTranspose2d, type ConvTranspose2dOptions } from './conv-transpose.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, type MaxPool2dOptions, type AvgPool2dOptions, type AdaptiveSize } from './pooling.js';
export { BatchNorm, BatchNorm1d, BatchNorm2d, LayerNorm, type BatchNormOptions, type LayerNormOptions } from './normalization.js';
export { GroupNorm, type GroupNormOptions } from './group-norm.js';
export { Upsample, type UpsampleOptions } from './upsample.js';
export { Sequential } from './sequential.js';
export * as init from './init.js';
