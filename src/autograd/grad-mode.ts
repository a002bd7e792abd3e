import { describe } from '../check-args.js';
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

/** Runs fn without recording operations for backward: for evaluation and parameter updates. */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new Error(`simdgrad: noGrad(fn): fn must be a function, got ${describe(fn)}.`);
  const previous = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}

/** Runs fn recording operations even inside noGrad, as torch.enable_grad: exporters trace with it. */
export function enableGrad<T>(fn: () => T): T {
  const previous = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}
