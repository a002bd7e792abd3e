import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { formatShape, shapeSize } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { checkInteger, checkTensor } from '../check-args.js';

/** The diagonal tril and triu keep from, for exporters. */
export interface TriangleAttributes {
  diagonal: number;
}

/** The lower triangle of the last two dimensions (entries with col - row <= diagonal), others 0, as torch.tril. */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle('tril', x, diagonal, false);
}

/** The upper triangle of the last two dimensions (entries with col - row >= diagonal), others 0, as torch.triu. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle('triu', x, diagonal, true);
}

function triangle(op: string, x: Tensor, diagonal: number, upper: boolean): Tensor {
  checkTensor(op, 'x', x);
  checkInteger(op, 'diagonal', diagonal);
  if (x.ndim < 2) throw new Error(`simdgrad: ${op}: needs a tensor with at least 2 dimensions (matrices in its last two), got shape ${formatShape(x.shape)}.`);
  return keepTriangle(op, x, diagonal, upper);
}

function keepTriangle(op: string, x: Tensor, diagonal: number, upper: boolean): Tensor {
  const [rows, cols] = x.shape.slice(-2) as [number, number];
  const out = Tensor.empty(x.shape);
  kernels().triangleForward(x.ptr, out.ptr, shapeSize(x.shape.slice(0, -2)), rows, cols, diagonal, upper ? 1 : 0);
  return record(out, { op, inputs: [x], attributes: { diagonal } satisfies TriangleAttributes, backward: (g) => [keepTriangle(op, g, diagonal, upper)] });
}
