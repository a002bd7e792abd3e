import { expect } from 'vitest';
import type { Tensor } from 'simdgrad';

/**
 * Element by element: NaN and ±Infinity exactly where `want` has them, finite values within
 * `tolerance` * max(1, |want|). For results that PyTorch gives with non-finite entries.
 */
export function expectValues(got: Tensor | ArrayLike<number> | null | undefined, want: readonly number[], label: string, tolerance = 1e-5): void {
  expect(got, `${label}: missing`).toBeTruthy();
  const values = Array.from(isTensor(got) ? got.toFloat32Array() : (got as ArrayLike<number>));
  expect(values.length, `${label}: length`).toBe(want.length);
  want.forEach((w, i) => {
    const v = values[i]!;
    const where = `${label}[${i}]: got ${v}, want ${w}`;
    if (Number.isNaN(w)) expect(v, where).toBeNaN();
    else if (!Number.isFinite(w)) expect(v, where).toBe(w);
    else expect(Math.abs(v - w), where).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(w)));
  });
}

function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && (value as { isSimdgradTensor?: boolean }).isSimdgradTensor === true;
}
