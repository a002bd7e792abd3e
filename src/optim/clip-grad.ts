import { kernels } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { TensorTable } from './tensor-table.js';

/**
 * Scales the gradients of `params` in place so their joint L2 norm is at most maxNorm, as
 * torch.nn.utils.clip_grad_norm_, and returns the norm they had. Parameters without a gradient
 * are ignored. A non-finite norm is returned without scaling, so the optimizer's step() can
 * name the parameter whose gradient holds NaN or Infinity.
 */
export function clipGradNorm(params: Tensor | Iterable<Tensor>, maxNorm: number): number {
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) {
    throw new Error(`simdgrad: clipGradNorm: maxNorm must be a number >= 0, got ${String(maxNorm)}; typical values are 0.5 to 5.`);
  }
  const grads = gradsOf(params);
  const totalNorm = Math.sqrt(sumOfSquares(grads));
  if (!Number.isFinite(totalNorm)) return totalNorm;
  const coefficient = maxNorm / (totalNorm + 1e-6);
  if (coefficient < 1) {
    for (const grad of grads) kernels().affine(grad.ptr, grad.ptr, grad.size, coefficient, 0);
  }
  return totalNorm;
}

// Kept from call to call, as the GEMM packing scratch is: allocating and freeing the list on
// every call cost more than the per-tensor kernel calls it replaces.
const gradientList = new TensorTable('the clipGradNorm gradient list');

function sumOfSquares(grads: readonly Tensor[]): number {
  return kernels().sumOfSquaresTensors(gradientList.list(grads), grads.length);
}

function gradsOf(params: Tensor | Iterable<Tensor>): Tensor[] {
  const list = isTensor(params) ? [params] : [...params];
  const grads: Tensor[] = [];
  for (const param of list) {
    if (!isTensor(param)) throw new Error('simdgrad: clipGradNorm: params must be a tensor or tensors (e.g. model.parameters()).');
    if (param.grad && !param.grad.isDisposed) grads.push(param.grad);
  }
  return grads;
}

function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && (value as { isSimdgradTensor?: boolean }).isSimdgradTensor === true;
}
