import type { Tensor } from './tensor.js';

const scopes: Set<Tensor>[] = [];

/** Called for every tensor handed to the user, so the innermost tidy() can dispose it. */
export function trackInScope(tensor: Tensor): void {
  scopes[scopes.length - 1]?.add(tensor);
}

/**
 * Runs fn and disposes every tensor created inside it except those it returns (a tensor, or
 * tensors inside a returned array or plain object) and those passed to keep().
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
    if (result instanceof Promise) {
      throw new Error('simdgrad: tidy(fn): fn returned a Promise; tidy only scopes synchronous code. Await outside tidy and call tidy inside each synchronous step.');
    }
  } finally {
    scopes.pop();
  }
  const returned = new Set<Tensor>();
  collectTensors(result, returned, 0);
  for (const tensor of scope) {
    if (returned.has(tensor)) trackInScope(tensor);
    else if (!tensor.isKept) tensor.dispose();
  }
  return result;
}

/** Exempts a tensor from every enclosing tidy(): it lives until you dispose() it. */
export function keep<T extends Tensor>(tensor: T): T {
  tensor.markKept();
  return tensor;
}

function collectTensors(value: unknown, into: Set<Tensor>, depth: number): void {
  if (value === null || typeof value !== 'object' || depth > 4) return;
  if (isTensor(value)) {
    into.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectTensors(item, into, depth + 1);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const item of Object.values(value)) collectTensors(item, into, depth + 1);
  }
}

function isTensor(value: object): value is Tensor {
  return (value as { isSimdgradTensor?: boolean }).isSimdgradTensor === true;
}
