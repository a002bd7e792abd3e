import { kernels } from '../backend/backend.js';
import { Tensor } from '../tensor.js';

/**
 * The gradient through a ReLU that an op applied to its own output (Linear or Conv2d fused with
 * the ReLU after it), computed from that output: it is > 0 exactly where the ReLU's input was.
 */
export function reluGradient(output: Tensor, upstream: Tensor): Tensor {
  const gradIn = Tensor.empty(output.shape);
  kernels().reluBackward(output.ptr, upstream.ptr, gradIn.ptr, gradIn.size);
  return gradIn;
}
