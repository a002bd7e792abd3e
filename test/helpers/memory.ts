import { expect } from 'vitest';
import { memory } from 'simdgrad';

/** Runs fn and checks that live tensors and bytes in use are as before it. */
export function expectMemoryUnchanged(fn: () => void): void {
  const before = memory();
  fn();
  const after = memory();
  expect(after.tensors, 'live tensors').toBe(before.tensors);
  expect(after.bytes, 'bytes in use').toBe(before.bytes);
}
