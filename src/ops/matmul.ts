import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { zeros } from '../creation.js';
import { formatShape } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { broadcastShapes } from './broadcast.js';
import { reshape } from './shape.js';
import { checkTensor } from '../check-args.js';

interface BatchItem {
  a: number;
  b: number;
  out: number;
}

interface MatmulPlan {
  m: number;
  k: number;
  n: number;
  outShape: number[];
  items: BatchItem[];
}

/** Matrix product as torch.matmul: 2-D, 1-D (as row/column vectors) and batched with broadcasting. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor('matmul', 'input', a);
  checkTensor('matmul', 'other', b);
  if (a.ndim === 0 || b.ndim === 0) throw new Error(`simdgrad: matmul: both operands need at least 1 dimension, got ${formatShape(a.shape)} and ${formatShape(b.shape)}; use mul for scalars.`);
  if (a.ndim === 1 || b.ndim === 1) return matmulVector(a, b);
  const plan = planMatmul(a.shape, b.shape);
  const out = Tensor.empty(plan.outShape);
  const gemm = kernels().gemm;
  const { m, k, n } = plan;
  for (const item of plan.items) gemm(0, 0, m, n, k, a.ptr + 4 * item.a, b.ptr + 4 * item.b, out.ptr + 4 * item.out, 0);
  return record(out, {
    op: 'matmul',
    inputs: [a, b],
    saved: [a, b],
    backward: (g, [sa, sb]) => {
      const ga = a.requiresGrad ? zeros(a.shape) : null;
      const gb = b.requiresGrad ? zeros(b.shape) : null;
      for (const item of plan.items) {
        const gp = g.ptr + 4 * item.out;
        if (ga) gemm(0, 1, m, k, n, gp, sb!.ptr + 4 * item.b, ga.ptr + 4 * item.a, 1);
        if (gb) gemm(1, 0, k, n, m, sa!.ptr + 4 * item.a, gp, gb.ptr + 4 * item.b, 1);
      }
      return [ga, gb];
    },
  });
}

function matmulVector(a: Tensor, b: Tensor): Tensor {
  const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0]!]) : a;
  const b2 = b.ndim === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
  const product = matmul(a2, b2);
  const shape = product.shape.filter((_, i) => !(a.ndim === 1 && i === product.ndim - 2) && !(b.ndim === 1 && i === product.ndim - 1));
  const out = reshape(product, shape);
  for (const t of [a2, b2, product]) if (t !== a && t !== b) t.dispose();
  return out;
}

function planMatmul(aShape: readonly number[], bShape: readonly number[]): MatmulPlan {
  const [m, k] = aShape.slice(-2) as [number, number];
  const [kb, n] = bShape.slice(-2) as [number, number];
  if (k !== kb) {
    throw new Error(`simdgrad: matmul: shapes ${formatShape(aShape)} and ${formatShape(bShape)} do not chain: the last dimension of the first (${k}) must equal the second-to-last of the second (${kb}).`);
  }
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batch = broadcastShapes(aBatch, bBatch, 'matmul (batch dimensions)');
  const count = batch.reduce((x, d) => x * d, 1);
  const items: BatchItem[] = [];
  for (let index = 0; index < count; index++) {
    items.push({ a: batchOffset(index, batch, aBatch) * m * k, b: batchOffset(index, batch, bBatch) * k * n, out: index * m * n });
  }
  return { m, k, n, outShape: [...batch, m, n], items };
}

// Index of matrix `index` of the broadcast batch within an operand's own batch dimensions.
function batchOffset(index: number, batch: readonly number[], own: readonly number[]): number {
  let offset = 0;
  let stride = 1;
  let rest = index;
  for (let d = batch.length - 1; d >= 0; d--) {
    const i = rest % batch[d]!;
    rest = Math.floor(rest / batch[d]!);
    const ownDim = own[own.length - batch.length + d] ?? 1;
    if (ownDim !== 1) offset += i * stride;
    stride *= ownDim;
  }
  return offset;
}
