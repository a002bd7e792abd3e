import type { Tensor } from '../tensor.js';
import { isGradEnabled } from './grad-mode.js';

/** Returns one gradient per input (null where that input needs none), shaped like the input. */
export type BackwardFn = (grad: Tensor, saved: Tensor[]) => (Tensor | null)[];

/** What a tracer (exportOnnx) sees of an op: its name, inputs and attributes. */
export interface TracedOp<Attributes extends object = object> {
  /** The op's public name, used in error messages. */
  op: string;
  inputs: (Tensor | null)[];
  /** What an exporter needs beyond the inputs (strides, eps, axes, index tensors...), typed in the op's own file. */
  attributes?: Attributes;
}

export interface OpRecord<Attributes extends object = object> extends TracedOp<Attributes> {
  /** Tensors the backward reads; the tape keeps their memory alive until backward has run. */
  saved?: Tensor[];
  backward: BackwardFn;
}

/** Sees each op as it is recorded, whether or not it needs a gradient. */
export type OpTracer = (out: Tensor, op: TracedOp) => void;

let tracer: OpTracer | null = null;

/** Runs `fn` with `onOp` seeing every op it records: how exportOnnx() learns a forward pass. */
export function traceOps<T>(onOp: OpTracer, fn: () => T): T {
  const previous = tracer;
  tracer = onOp;
  try {
    return fn();
  } finally {
    tracer = previous;
  }
}

/**
 * One recorded op. It is referenced by the tensor it produced and by the nodes that consumed
 * that tensor. Backward frees what it saved as soon as it has run; dropping the last reference
 * frees it too, so a graph nobody runs backward through does not leak.
 */
export class GradNode {
  readonly op: string;
  readonly inputs: (Tensor | null)[];
  readonly backwardFn: BackwardFn;
  saved: Tensor[];
  savedFreed = false;
  private refs = 1;

  constructor(record: OpRecord) {
    this.op = record.op;
    this.inputs = record.inputs.map((t) => (t && t.requiresGrad ? t : null));
    this.backwardFn = record.backward;
    this.saved = (record.saved ?? []).map((t) => t.aliasForTape());
    for (const input of this.inputs) input?.gradFn?.retain();
  }

  retain(): void {
    this.refs++;
  }

  unref(): void {
    if (--this.refs > 0) return;
    this.freeSaved();
    for (const input of this.inputs) input?.gradFn?.unref();
  }

  freeSaved(): void {
    if (this.savedFreed) return;
    this.savedFreed = true;
    for (const t of this.saved) t.dispose();
    this.saved = [];
  }
}

/** Attaches a backward to `out` when gradients are being recorded and an input needs one. */
export function record<Attributes extends object>(out: Tensor, op: OpRecord<Attributes>): Tensor {
  tracer?.(out, op);
  out.labelCreator(op.op);
  if (!isGradEnabled() || !op.inputs.some((t) => t?.requiresGrad)) return out;
  out.attachGradFn(new GradNode(op));
  return out;
}

/**
 * Shows the tracer an op that has no gradient (comparisons, argmax, oneHot): its output is
 * computed from its inputs, so an export must compute it too rather than freeze its values.
 */
export function traceResult<Attributes extends object>(out: Tensor, op: TracedOp<Attributes>): Tensor {
  tracer?.(out, op);
  return out;
}

/**
 * Runs the body of an op composed of recorded ops with the tracer looking away, then shows it
 * the whole as one op (logsumexp as ReduceLogSumExp): its gradient is that of the ops it is
 * made of, its export one node, and values it computes outside the tape are not frozen.
 */
export function traceComposite<Attributes extends object>(op: TracedOp<Attributes>, body: () => Tensor): Tensor {
  const outer = tracer;
  if (!outer) return body();
  tracer = null;
  let out: Tensor;
  try {
    out = body();
  } finally {
    tracer = outer;
  }
  outer(out, op);
  return out;
}
