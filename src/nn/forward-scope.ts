import { noteStep } from '../live-tensors.js';
import { collectTensors, runScoped } from '../scope.js';
import type { Tensor } from '../tensor.js';

const SCOPED = Symbol('simdgrad.scopedForward');

// How many forward() calls are running: only the outermost one counts as a step.
let depth = 0;

type Forward = ((...inputs: unknown[]) => unknown) & { [SCOPED]?: true };

/**
 * Makes the forward() of `module`'s class free the tensors it creates and nothing can reach
 * afterwards: those it neither returns nor stores on the module (as a field, or in an array or
 * Map field) nor keep()s. A PyTorch user's loop — `const out = noGrad(() => model.forward(x));
 * ...; out.dispose()` — then stays flat without tidy(). The backward pass is unaffected: the
 * tape holds its own references to what it needs. Done once per class, on the prototype that
 * defines forward, so `layer.forward === Linear.prototype.forward` still holds.
 */
export function scopeForwardOfClass(module: object): void {
  let proto: object | null = Object.getPrototypeOf(module);
  while (proto && !Object.prototype.hasOwnProperty.call(proto, 'forward')) proto = Object.getPrototypeOf(proto);
  if (!proto) return;
  const owner = proto as { forward: Forward };
  const original = owner.forward;
  if (typeof original !== 'function' || original[SCOPED]) return;
  const scoped: Forward = function (this: object, ...inputs: unknown[]) {
    if (depth === 0) noteStep();
    depth++;
    try {
      return runScoped(() => original.apply(this, inputs), heldBy(this));
    } finally {
      depth--;
    }
  };
  scoped[SCOPED] = true;
  Object.defineProperty(owner, 'forward', { value: scoped, writable: true, configurable: true, enumerable: false });
}

// Looked up only when the scope has tensors to free, and once per forward call.
function heldBy(module: object): (tensor: Tensor) => boolean {
  let held: Set<Tensor> | undefined;
  return (tensor) => {
    if (!held) {
      held = new Set();
      collectTensors(Object.values(module), held, new Set());
    }
    return held.has(tensor);
  };
}
