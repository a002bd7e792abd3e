import type { Tensor } from './tensor.js';
import { checkTensor, describe, isTensor } from './check-args.js';

const scopes: Set<Tensor>[] = [];

/** Called for every tensor handed to the user, so the innermost scope can dispose it. */
export function trackInScope(tensor: Tensor): void {
  scopes[scopes.length - 1]?.add(tensor);
}

/**
 * Runs fn and disposes every tensor created inside it except those it returns (at any depth of
 * arrays, plain objects, Maps and Sets) and those passed to keep(). When fn throws, everything
 * it created is disposed and the error is rethrown. fn must be synchronous.
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new Error(`simdgrad: tidy(fn): fn must be a function, got ${describe(fn)}.`);
  if (fn.constructor?.name === 'AsyncFunction') throw new Error(ASYNC_ERROR);
  return runScoped(fn, () => false);
}

/**
 * Runs fn in a scope like tidy(): tensors it creates are disposed when it ends, unless it
 * returns them, they were kept, or `survives` says so. Module.forward runs in one, so a forward
 * pass frees the intermediates nothing can reach.
 */
export function runScoped<T>(fn: () => T, survives: (tensor: Tensor) => boolean): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    scopes.pop();
    disposeAll(scope);
    throw error;
  }
  scopes.pop();
  if (result instanceof Promise) {
    disposeAll(scope);
    throw new Error(ASYNC_ERROR);
  }
  if (scope.size === 0) return result;
  const returned = returnedTensors(result);
  for (const tensor of scope) {
    if (tensor.isDisposed) continue;
    if (returned.has(tensor) || survives(tensor)) trackInScope(tensor);
    else if (!tensor.isKept) tensor.dispose();
  }
  return result;
}

/** Exempts a tensor from every enclosing tidy(): it lives until you dispose() it. */
export function keep<T extends Tensor>(tensor: T): T {
  checkTensor('keep', 'tensor', tensor).markKept();
  return tensor;
}

const ASYNC_ERROR = 'simdgrad: tidy(fn): fn is async (or returned a Promise); tidy only scopes synchronous code, since other code runs while it awaits. Await outside tidy and call tidy inside each synchronous step.';

function disposeAll(scope: Set<Tensor>): void {
  for (const tensor of scope) if (!tensor.isKept) tensor.dispose();
}

// Most scopes return one tensor or a flat list of them: those need no walk with a seen-set.
function returnedTensors(result: unknown): { has(tensor: Tensor): boolean } {
  if (result === null || typeof result !== 'object') return NOTHING;
  if (isTensor(result)) return { has: (tensor) => tensor === result };
  const found = new Set<Tensor>();
  collectTensors(result, found, new Set());
  return found;
}

const NOTHING = { has: (): boolean => false };

/** Every tensor inside `value`: itself, or within arrays, plain objects, Maps and Sets, at any depth. */
export function collectTensors(value: unknown, into: Set<Tensor>, seen: Set<object>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (isTensor(value)) {
    into.add(value);
  } else if (Array.isArray(value) || value instanceof Set) {
    for (const item of value) collectTensors(item, into, seen);
  } else if (value instanceof Map) {
    for (const [key, item] of value) {
      collectTensors(key, into, seen);
      collectTensors(item, into, seen);
    }
  } else if (isPlainObject(value)) {
    for (const item of Object.values(value)) collectTensors(item, into, seen);
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
