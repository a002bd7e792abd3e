// The ops behind Tensor's methods (x.add(y), x.sum(), x.backward(), ...). Every op imports
// Tensor, so tensor.ts cannot import them back without a module cycle: this module hands them to
// tensor.ts once, when the library loads (src/core.ts imports it).
import { runBackward } from '../autograd/backward.js';
import { onesLike } from '../creation.js';
import { provideTensorOps } from '../tensor.js';
import { relu, sigmoid, tanh } from './activation.js';
import { add, sub, mul, div, neg, exp, log, sqrt, pow } from './arithmetic.js';
import { matmul } from './matmul.js';
import { sum, mean, max } from './reduce.js';
import { reshape, flatten, transpose, clone } from './shape.js';
import { softmax, logSoftmax } from './softmax.js';

export const tensorOps = {
  add, sub, mul, div, neg, exp, log, sqrt, pow, matmul, sum, mean, max,
  reshape, flatten, transpose, clone, onesLike, relu, sigmoid, tanh, softmax, logSoftmax, runBackward,
};

export type TensorOps = typeof tensorOps;

provideTensorOps(tensorOps);
