import { checkTensor, describe } from '../check-args.js';
import type { Target, Trainable } from './types.js';

/** A model for fit/evaluate/predict: anything with forward(), train() and eval(), as nn.Module. */
export function checkTrainable(op: string, model: unknown): Trainable {
  const m = model as Partial<Trainable> | null | undefined;
  if (typeof m?.forward !== 'function' || typeof m.train !== 'function' || typeof m.eval !== 'function') {
    throw new Error(`simdgrad: ${op}: model must be an nn.Module (something with forward(), train() and eval()), got ${describe(model)}.`);
  }
  return m as Trainable;
}

/** Class labels: a Tensor or an Int32Array. */
export function checkTarget(op: string, target: unknown): Target {
  if (target instanceof Int32Array) return target;
  if (ArrayBuffer.isView(target) || Array.isArray(target)) {
    throw new Error(`simdgrad: ${op}: target must be a Tensor or an Int32Array of class indices, got ${describe(target)}; convert it with Int32Array.from(...) or tensor(...).`);
  }
  return checkTensor(op, 'target', target);
}
