// The ops behind Tensor's methods (x.add(y), x.sum(), ...), gathered so tensor.ts imports one module.
export { add, sub, mul, div, neg, exp, log, sqrt, pow } from './arithmetic.js';
export { matmul } from './matmul.js';
export { sum, mean } from './reduce.js';
export { max } from './reduce.js';
export { reshape, flatten, transpose, clone } from './shape.js';
export { onesLike } from '../creation.js';
export { relu, sigmoid, tanh } from './activation.js';
export { softmax, logSoftmax } from './softmax.js';
