import { beforeAll, describe, expect, it } from 'vitest';
import { kernels } from '../../src/backend/backend.js';
import { init } from '../../src/index.js';
import { integers, withBuffers } from '../helpers/wasm-buffers.js';

// Index kernels over [outer, n, inner] (indexed tensor) and [outer, m, inner] (index, result);
// indices are float32 whole numbers, validated by firstInvalidIndex before the others run.

beforeAll(async () => {
  await init();
});

const at3 = (o: number, k: number, i: number, n: number, inner: number) => (o * n + k) * inner + i;

describe('firstInvalidIndex', () => {
  const first = (values: number[], limit: number) => {
    let result = 0;
    withBuffers([values], (p) => (result = kernels().firstInvalidIndex!(p, values.length, limit)));
    return result;
  };

  it('finds the first bad value in the vector body and in the tail', () => {
    for (const bad of [-1, 0.5, 7, NaN, Infinity, -Infinity, 6.000001]) {
      for (const position of [0, 3, 5, 9, 10]) {
        const values = Array.from({ length: 11 }, (_, i) => (i === position ? bad : i % 7));
        expect(first(values, 7), `${bad} at ${position}`).toBe(position);
      }
    }
  });

  it('accepts 0 .. limit-1 and reports -1', () => {
    expect(first(Array.from({ length: 13 }, (_, i) => i % 5), 5)).toBe(-1);
    expect(first([], 5)).toBe(-1);
  });
});

describe('gather and scatterAdd kernels', () => {
  for (const [outer, n, m, inner] of [[1, 5, 3, 1], [2, 4, 6, 3], [3, 1, 2, 9]] as const) {
    it(`match the definition for outer ${outer}, n ${n}, m ${m}, inner ${inner}`, () => {
      const x = integers(outer * n * inner, 100, 1);
      const index = integers(outer * m * inner, n, 2);
      const [, , gathered] = withBuffers([x, index, new Array(outer * m * inner).fill(0)], (px, pi, po) => kernels().gatherForward!(px, pi, po, outer, n, m, inner));
      const start = integers(outer * n * inner, 10, 3);
      const src = integers(outer * m * inner, 100, 4);
      const [, , scattered] = withBuffers([src, index, start], (ps, pi, po) => kernels().scatterAddForward!(ps, pi, po, outer, n, m, inner));
      const wantScatter = [...start];
      for (let o = 0; o < outer; o++) for (let j = 0; j < m; j++) for (let i = 0; i < inner; i++) {
        const k = index[at3(o, j, i, m, inner)]!;
        expect(gathered![at3(o, j, i, m, inner)]).toBe(x[at3(o, k, i, n, inner)]);
        wantScatter[at3(o, k, i, n, inner)]! += src[at3(o, j, i, m, inner)]!;
      }
      expect(Array.from(scattered!)).toEqual(wantScatter);
    });
  }
});

describe('indexSelect and indexAdd kernels', () => {
  for (const inner of [1, 3, 4, 7, 8, 9]) {
    it(`copy and accumulate whole rows of ${inner}`, () => {
      const [outer, n, m] = [2, 5, 4];
      const x = integers(outer * n * inner, 50, inner);
      const index = [4, 0, 4, 2];
      const [, , selected] = withBuffers([x, index, new Array(outer * m * inner).fill(0)], (px, pi, po) => kernels().indexSelectForward!(px, pi, po, outer, n, m, inner));
      const src = integers(outer * m * inner, 50, inner + 7);
      const [, , added] = withBuffers([src, index, new Array(outer * n * inner).fill(1)], (ps, pi, po) => kernels().indexAddForward!(ps, pi, po, outer, n, m, inner));
      const wantAdded = new Array(outer * n * inner).fill(1);
      for (let o = 0; o < outer; o++) for (let j = 0; j < m; j++) for (let i = 0; i < inner; i++) {
        expect(selected![at3(o, j, i, m, inner)]).toBe(x[at3(o, index[j]!, i, n, inner)]);
        wantAdded[at3(o, index[j]!, i, n, inner)] += src[at3(o, j, i, m, inner)]!;
      }
      expect(Array.from(added!)).toEqual(wantAdded);
    });
  }
});

describe('oneHotForward', () => {
  it('overwrites every entry: zeros except one 1 per row', () => {
    const [, out] = withBuffers([[2, 0, 1], new Array(9).fill(7)], (pi, po) => kernels().oneHotForward!(pi, po, 3, 3));
    expect(Array.from(out!)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
  });
});
