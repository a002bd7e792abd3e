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
import { reshape, flatten, clone } from './shape.js';
import { softmax, logSoftmax } from './softmax.js';
import { permute, transpose, unsqueeze, squeeze, expand } from './permute.js';
import { split, chunk } from './join.js';
import { slice, narrow, select } from './slice.js';
import { gather, scatterAdd, indexSelect } from './indexing.js';
import { eq, ne, lt, le, gt, ge } from './compare.js';
import { where, maskedFill } from './select.js';
import { abs, clamp, minimum, maximum } from './piecewise.js';
import { min, argmax, argmin, topk } from './extremum.js';
import { cumsum } from './scan.js';
import { tril, triu } from './triangle.js';
import { variance, std } from './moments.js';
import { logsumexp } from './logsumexp.js';

export const tensorOps = {
  add, sub, mul, div, neg, exp, log, sqrt, pow, matmul, sum, mean, max,
  reshape, flatten, transpose, clone, onesLike, relu, sigmoid, tanh, softmax, logSoftmax, runBackward,
  permute, unsqueeze, squeeze, expand, split, chunk, slice, narrow, select, gather, scatterAdd, indexSelect,
  eq, ne, lt, le, gt, ge, where, maskedFill, abs, clamp, minimum, maximum, min, argmax, argmin, topk,
  cumsum, tril, triu, variance, std, logsumexp,
};

export type TensorOps = typeof tensorOps;

provideTensorOps(tensorOps);
