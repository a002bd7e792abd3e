import { record } from '../autograd/node.js';
import { formatShape, normalizeAxis, shapeSize } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { checkInteger, checkTensor, describe } from '../check-args.js';
import { unsqueeze } from './permute.js';
import { narrow } from './slice.js';
import { copyStrided } from './strided-copy.js';

/** The dimension a cat joined along (ONNX Concat's axis). */
export interface CatAttributes {
  axis: number;
}

/** The tensors joined along an existing dimension, as torch.cat; shapes must match elsewhere. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  const inputs = checkTensorList(tensors, 'cat');
  const first = inputs[0]!;
  if (first.ndim === 0) throw new Error('simdgrad: cat: tensor 0 is zero-dimensional; cat joins along an existing dimension (use stack for scalars).');
  const axis = normalizeAxis(dim, first.ndim, 'cat');
  inputs.forEach((t, i) => {
    const matches = t.ndim === first.ndim && t.shape.every((size, d) => d === axis || size === first.shape[d]);
    if (!matches) {
      throw new Error(`simdgrad: cat: tensor ${i} has shape ${formatShape(t.shape)} but tensor 0 has ${formatShape(first.shape)}; all must match except along dim ${dim}.`);
    }
  });
  const total = inputs.reduce((n, t) => n + t.shape[axis]!, 0);
  const out = Tensor.empty(first.shape.map((size, d) => (d === axis ? total : size)));
  const outer = shapeSize(first.shape.slice(0, axis));
  const inner = shapeSize(first.shape.slice(axis + 1));
  let offset = 0;
  for (const t of inputs) {
    const run = t.shape[axis]! * inner;
    copyStrided({ src: t.ptr, dst: out.ptr + 4 * offset * inner, shape: [outer, run], srcStrides: [run, 1], dstStrides: [total * inner, 1] });
    offset += t.shape[axis]!;
  }
  return record(out, {
    op: 'cat',
    inputs,
    attributes: { axis } satisfies CatAttributes,
    backward: (g) => {
      let start = 0;
      return inputs.map((t) => {
        const piece = t.requiresGrad ? narrow(g, axis, start, t.shape[axis]!) : null;
        start += t.shape[axis]!;
        return piece;
      });
    },
  });
}

/** The tensors (all of one shape) joined along a new dimension, as torch.stack. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  const inputs = checkTensorList(tensors, 'stack');
  const first = inputs[0]!;
  inputs.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((size, d) => size !== first.shape[d])) {
      throw new Error(`simdgrad: stack: tensor ${i} has shape ${formatShape(t.shape)} but tensor 0 has ${formatShape(first.shape)}; stack needs tensors of one shape.`);
    }
  });
  const axis = normalizeAxis(dim, first.ndim + 1, 'stack');
  const expanded = inputs.map((t) => unsqueeze(t, axis));
  const out = cat(expanded, axis);
  expanded.forEach((t) => t.dispose());
  return out;
}

/**
 * x cut along dim into pieces of splitSize (the last may be smaller), or of the listed sizes,
 * as torch.split. The pieces are copies.
 */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  checkTensor('split', 'x', x);
  const axis = normalizeAxis(dim, x.ndim, 'split');
  const length = x.shape[axis]!;
  const sizes = typeof splitSizeOrSections === 'number'
    ? evenSizes(length, checkInteger('split', 'splitSize', splitSizeOrSections, length === 0 ? 0 : 1))
    : checkSections(splitSizeOrSections, length, x.shape, dim);
  let start = 0;
  return sizes.map((size) => {
    const piece = narrow(x, axis, start, size);
    start += size;
    return piece;
  });
}

/** x cut along dim into `chunks` pieces of equal size (the last may be smaller), as torch.chunk. */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  checkTensor('chunk', 'x', x);
  checkInteger('chunk', 'chunks', chunks, 1);
  const axis = normalizeAxis(dim, x.ndim, 'chunk');
  const length = x.shape[axis]!;
  return split(x, Math.max(1, Math.ceil(length / chunks)), axis);
}

function evenSizes(length: number, size: number): number[] {
  if (size === 0) return [0];
  return Array.from({ length: Math.ceil(length / size) }, (_, i) => Math.min(size, length - i * size));
}

function checkSections(sections: readonly number[], length: number, shape: readonly number[], dim: number): number[] {
  if (!Array.isArray(sections)) throw new Error(`simdgrad: split: splitSizeOrSections must be a number or an array of sizes, got ${describe(sections)}.`);
  sections.forEach((s, i) => checkInteger('split', `section ${i}`, s, 0));
  const total = sections.reduce((n, s) => n + s, 0);
  if (total !== length) {
    throw new Error(`simdgrad: split: sections ${formatShape(sections)} add up to ${total}, but dim ${dim} of shape ${formatShape(shape)} has size ${length}; they must add up to it.`);
  }
  return [...sections];
}

function checkTensorList(tensors: readonly Tensor[], op: string): Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new Error(`simdgrad: ${op}: expected a non-empty array of tensors, got ${describe(tensors)}.`);
  }
  return tensors.map((t, i) => checkTensor(op, `tensor ${i}`, t));
}
