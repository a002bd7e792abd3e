// torch.nn: modules and their initialisation (imported as nn).
export { Module, type AnyModule } from './module.js';
export type { StateDict, StateDictEntry, StateDictInput, LoadStateDictOptions, LoadStateDictResult } from './state-dict.js';
export { Linear, Identity, type LinearOptions } from './linear.js';
export { ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softmax, LogSoftmax, type GeluOptions } from './activation.js';
export { Dropout } from './dropout.js';
export { Flatten } from './flatten.js';
export { Sequential } from './sequential.js';
export * as init from './init.js';
