import { backend } from '../backend/backend.js';
import { formatShape } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { checkTensor, describe } from '../check-args.js';

/** Integer class indices, one per sample: a Tensor of integer-valued floats, a number[] or an Int32Array. */
export type ClassTargets = Tensor | readonly number[] | Int32Array;

export interface ClassTargetCheck {
  /** The loss, for error messages. */
  op: string;
  /** The [N, C] input the targets index into. */
  input: Tensor;
  /** Targets equal to this are skipped (PyTorch's ignore_index). */
  ignoreIndex?: number;
}

/**
 * Validates class indices against an [N, C] input, copies them into int32 scratch memory for
 * a kernel and runs `use` with that address and how many targets are not ignored. The scratch
 * is freed as soon as `use` returns, so kernels must finish with it inside `use`.
 */
export function withClassTargets<T>(target: ClassTargets, check: ClassTargetCheck, use: (targetsPtr: number, counted: number) => T): T {
  const { indices, counted } = readClassIndices(target, check);
  const allocator = backend().allocator;
  const ptr = allocator.alloc(4 * indices.length, 'class targets');
  try {
    allocator.i32().set(indices, ptr >>> 2);
    return use(ptr, counted);
  } finally {
    allocator.free(ptr);
  }
}

function readClassIndices(target: ClassTargets, check: ClassTargetCheck): { indices: Int32Array; counted: number } {
  const [rows, classes] = check.input.shape as [number, number];
  const values = targetValues(target, check);
  if (values.length !== rows) {
    throw new Error(`simdgrad: ${check.op}: got ${values.length} targets for input ${formatShape(check.input.shape)}; pass one class index per sample (${rows}).`);
  }
  const indices = new Int32Array(rows);
  let counted = 0;
  for (let n = 0; n < rows; n++) {
    const value = values[n]!;
    if (!Number.isInteger(value)) {
      throw new Error(`simdgrad: ${check.op}: target of sample ${n} is ${value}, not an integer class index; targets must be whole numbers in [0, ${classes}).`);
    }
    if (value !== check.ignoreIndex) {
      if (value < 0 || value >= classes) {
        const ignoring = check.ignoreIndex === undefined ? '' : ` (or ignoreIndex ${check.ignoreIndex} to skip a sample)`;
        throw new Error(`simdgrad: ${check.op}: target of sample ${n} is class ${value}, out of range for input ${formatShape(check.input.shape)} with ${classes} classes; class indices must be in [0, ${classes})${ignoring}.`);
      }
      counted++;
    }
    indices[n] = value;
  }
  return { indices, counted };
}

function targetValues(target: ClassTargets, check: ClassTargetCheck): ArrayLike<number> {
  if (target instanceof Tensor) {
    checkTensor(check.op, 'target', target);
    if (target.ndim !== 1) {
      throw new Error(
        `simdgrad: ${check.op}: target has shape ${formatShape(target.shape)}, but class targets are one index per sample, shape [${check.input.shape[0]}]. ` +
          'For one-hot or probability targets, pass their argmax per sample; for [N, 1] targets, reshape them to [N].',
      );
    }
    return target.toFloat32Array();
  }
  if (Array.isArray(target) || target instanceof Int32Array) return target;
  throw new Error(`simdgrad: ${check.op}: target must be a Tensor, a number[] or an Int32Array of class indices, got ${describe(target)}.`);
}
