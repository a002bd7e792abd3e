import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { full } from '../creation.js';
import { Tensor } from '../tensor.js';
import { broadcastShapes } from './broadcast.js';
import { broadcastBinary, type BinaryKernel } from './broadcast-kernel.js';
import { sumToShape } from './reduce.js';
import { checkNumber, checkTensor, checkTensorOrNumber } from '../check-args.js';

export type TensorOrScalar = Tensor | number;

interface BinaryGrads {
  /** d/da given upstream g, before summing back over broadcast dimensions. */
  a: (g: Tensor, x: Tensor, y: Tensor) => Tensor;
  b: (g: Tensor, x: Tensor, y: Tensor) => Tensor;
  savesInputs: boolean;
}

function binary(op: string, kernel: BinaryKernel, a: TensorOrScalar, b: TensorOrScalar, grads: BinaryGrads): Tensor {
  checkTensorOrNumber(op, 'input', a);
  checkTensorOrNumber(op, 'other', b);
  const x = asTensor(a);
  const y = asTensor(b);
  const out = broadcastBinary(kernel, x, y, broadcastShapes(x.shape, y.shape, op));
  record(out, {
    op,
    inputs: [x, y],
    saved: grads.savesInputs ? [x, y] : [],
    backward: (g, [sx = x, sy = y]) => [
      x.requiresGrad ? sumToShape(grads.a(g, sx, sy), x.shape) : null,
      y.requiresGrad ? sumToShape(grads.b(g, sx, sy), y.shape) : null,
    ],
  });
  if (typeof a === 'number') x.dispose();
  if (typeof b === 'number') y.dispose();
  return out;
}

export function add(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binary('add', 'addForward', a, b, { a: (g) => g, b: (g) => g, savesInputs: false });
}

export function sub(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binary('sub', 'subForward', a, b, { a: (g) => g, b: (g) => neg(g), savesInputs: false });
}

export function mul(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binary('mul', 'mulForward', a, b, { a: (g, _x, y) => mul(g, y), b: (g, x) => mul(g, x), savesInputs: true });
}

export function div(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binary('div', 'divForward', a, b, {
    a: (g, _x, y) => div(g, y),
    b: (g, x, y) => neg(div(mul(g, x), mul(y, y))),
    savesInputs: true,
  });
}

type UnaryKernel = 'negForward' | 'expForward' | 'logForward' | 'sqrtForward';

function unary(op: string, kernel: UnaryKernel, x: Tensor, save: 'input' | 'output' | 'none', backward: (g: Tensor, saved: Tensor) => Tensor): Tensor {
  checkTensor(op, 'input', x);
  const out = Tensor.empty(x.shape);
  kernels()[kernel](x.ptr, out.ptr, x.size);
  const savedTensor = save === 'input' ? [x] : save === 'output' ? [out] : [];
  return record(out, { op, inputs: [x], saved: savedTensor, backward: (g, saved) => [backward(g, saved[0]!)] });
}

export function neg(x: Tensor): Tensor {
  return unary('neg', 'negForward', x, 'none', (g) => neg(g));
}

export function exp(x: Tensor): Tensor {
  return unary('exp', 'expForward', x, 'output', (g, y) => mul(g, y));
}

export function log(x: Tensor): Tensor {
  return unary('log', 'logForward', x, 'input', (g, input) => div(g, input));
}

export function sqrt(x: Tensor): Tensor {
  return unary('sqrt', 'sqrtForward', x, 'output', (g, y) => div(g, mul(y, 2)));
}

/** The constant exponent of pow. */
export interface PowAttributes {
  exponent: number;
}

export function pow(x: Tensor, exponent: number): Tensor {
  checkTensor('pow', 'input', x);
  checkNumber('pow', 'exponent', exponent, { nonFinite: true });
  const out = Tensor.empty(x.shape);
  kernels().powScalarForward(x.ptr, out.ptr, x.size, exponent);
  return record(out, {
    op: 'pow',
    inputs: [x],
    attributes: { exponent } satisfies PowAttributes,
    saved: [x],
    backward: (g, [input]) => {
      const gx = Tensor.empty(input!.shape);
      kernels().powScalarBackward(input!.ptr, g.ptr, gx.ptr, gx.size, exponent);
      return [gx];
    },
  });
}

function asTensor(value: TensorOrScalar): Tensor {
  return typeof value === 'number' ? full([], value) : value;
}
