import { expect } from 'vitest';
import { memory, type Tensor } from 'simdgrad';

/** Runs fn and checks that live tensors and bytes in use are as before it. */
export function expectMemoryUnchanged(fn: () => void): void {
  const before = memory();
  fn();
  const after = memory();
  expect(after.tensors, 'live tensors').toBe(before.tensors);
  expect(after.bytes, 'bytes in use').toBe(before.bytes);
}

/**
 * Runs an op forward and backward outside any tidy() (which would free what the forward leaks),
 * then disposes its output and the inputs' gradients: the live tensors and bytes must be as
 * before, so nothing the op made for itself (saved tensors, statistics, stand-ins) outlives
 * backward. (backward() runs each op's backward in a tidy of its own.)
 */
export function expectForwardBackwardFreesItsOwn(run: () => Tensor, upstream: Tensor, inputs: Tensor[]): void {
  const before = memory();
  const out = run();
  out.backward(upstream);
  out.dispose();
  for (const input of inputs) {
    input.grad?.dispose();
    input.grad = null;
  }
  const after = memory();
  expect(after.tensors, 'live tensors').toBe(before.tensors);
  expect(after.bytes, 'bytes in use').toBe(before.bytes);
}
