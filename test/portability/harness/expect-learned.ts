import { expect } from 'vitest';

/** What train-xor.mjs returns. */
export interface XorResult {
  build: 'simd' | 'relaxed-simd' | 'custom';
  relaxedSimd: boolean;
  steps: number;
  firstLoss: number;
  loss: number;
  predicted: number[];
  accuracy: number;
  tensorsAtStart: number;
  tensorsAtEnd: number;
}

/** The MLP classified all four XOR points, its loss fell from ln 2-ish to near zero, and it freed every tensor. */
export function expectLearnedXor(result: XorResult): void {
  expect(result.steps).toBe(200);
  expect(result.predicted).toEqual([0, 1, 1, 0]);
  expect(result.accuracy).toBe(1);
  expect(result.firstLoss).toBeGreaterThan(0.5);
  expect(result.loss).toBeLessThan(0.01);
  expect(result.tensorsAtEnd).toBe(result.tensorsAtStart);
}

/**
 * Same seed, same kernels, same result: a runtime's run of the plain SIMD build matches Node's
 * to float32 rounding (the JavaScript around the kernels, Math.pow in Adam say, may differ in
 * the last bit between engines).
 */
export function expectSameTrainingAs(result: XorResult, reference: XorResult): void {
  expect(result.firstLoss).toBeCloseTo(reference.firstLoss, 6);
  expect(result.loss).toBeCloseTo(reference.loss, 6);
}
