import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { tensor, type Tensor } from 'simdgrad';

export interface FixtureTensor {
  shape: number[];
  data: number[];
  dtype?: string;
}

export interface FixtureCase {
  name: string;
  op: string;
  params: Record<string, unknown>;
  inputs: Record<string, FixtureTensor>;
  output: FixtureTensor;
  grads: Record<string, FixtureTensor>;
  extra?: Record<string, FixtureTensor | number>;
}

/** The cases of one golden file (test/fixtures is a verbatim copy of ../shared/golden). */
export function loadCases(file: string, op?: string): FixtureCase[] {
  const json = JSON.parse(readFileSync(new URL(`../fixtures/${file}.json`, import.meta.url), 'utf8')) as { cases: FixtureCase[] };
  return op ? json.cases.filter((c) => c.op === op) : json.cases;
}

export function fromFixture(spec: FixtureTensor, requiresGrad = false): Tensor {
  return tensor(Float32Array.from(spec.data), spec.shape, { requiresGrad });
}

/** The golden README's rule: |got - want| <= rtol * max|want| over the whole tensor. */
export function expectCloseToFixture(got: Tensor | Float32Array | number[] | null | undefined, want: FixtureTensor, label: string, rtol = 1e-4): void {
  expect(got, `${label}: missing`).toBeTruthy();
  const values = Array.from(isTensor(got) ? got.toFloat32Array() : (got as ArrayLike<number>));
  if (isTensor(got)) expect([...got.shape], `${label}: shape`).toEqual(want.shape);
  expect(values.length, `${label}: length`).toBe(want.data.length);
  const scale = Math.max(...want.data.map(Math.abs), Number.MIN_VALUE);
  let worst = 0;
  let worstIndex = -1;
  values.forEach((v, i) => {
    const err = Math.abs(v - want.data[i]!);
    if (!(err <= worst)) {
      worst = err;
      worstIndex = i;
    }
  });
  expect(worst, `${label}: worst error ${worst} at ${worstIndex} (got ${values[worstIndex]}, want ${want.data[worstIndex]}, scale ${scale})`).toBeLessThanOrEqual(rtol * scale);
}

function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && (value as { isSimdgradTensor?: boolean }).isSimdgradTensor === true;
}
