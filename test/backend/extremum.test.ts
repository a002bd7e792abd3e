import { beforeAll, describe, expect, it } from 'vitest';
import { kernels } from '../../src/backend/backend.js';
import { init } from '../../src/index.js';
import { integers, withBuffers } from '../helpers/wasm-buffers.js';

// extremumAxis(x, values, indices, outer, n, inner, wantMax) and
// topkAxis(x, values, indices, outer, n, inner, k, largest), against plain loops. Small integer
// values make ties common; some inputs hold NaN.

beforeAll(async () => {
  await init();
});

const SHAPES = [[3, 1, 1], [2, 9, 1], [2, 13, 1], [1, 5, 4], [3, 6, 7], [2, 3, 9], [1, 203, 3]] as const;

function withNaNs(values: number[], seed: number): number[] {
  return values.map((v, i) => ((i * 7 + seed) % 23 === 0 ? NaN : v));
}

// torch: NaN wins both max and min; otherwise the first extreme position.
function reference(x: number[], outer: number, n: number, inner: number, wantMax: boolean): { values: number[]; indices: number[] } {
  const values: number[] = [];
  const indices: number[] = [];
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    let best = 0;
    for (let k = 1; k < n; k++) {
      const v = x[(o * n + k) * inner + i]!;
      const b = x[(o * n + best) * inner + i]!;
      if (Number.isNaN(b)) break;
      if (Number.isNaN(v) || (wantMax ? v > b : v < b)) best = k;
    }
    values.push(x[(o * n + best) * inner + i]!);
    indices.push(best);
  }
  return { values, indices };
}

describe('extremumAxis', () => {
  for (const [outer, n, inner] of SHAPES) {
    for (const wantMax of [true, false]) {
      it(`${wantMax ? 'max' : 'min'} over [${outer}, ${n}, ${inner}], with ties and NaN`, () => {
        for (const x of [integers(outer * n * inner, 4, n + inner), withNaNs(integers(outer * n * inner, 9, n), n)]) {
          const size = outer * inner;
          const [, values, indices] = withBuffers([x, new Array(size).fill(0), new Array(size).fill(0)], (px, pv, pi) => kernels().extremumAxis!(px, pv, pi, outer, n, inner, wantMax ? 1 : 0));
          const want = reference(x, outer, n, inner, wantMax);
          expect(Array.from(values!)).toEqual(want.values);
          expect(Array.from(indices!)).toEqual(want.indices);
        }
      });
    }
  }
});

describe('topkAxis', () => {
  // A stable sort by rank (NaN above every number), as the kernel documents.
  function topkReference(x: number[], outer: number, n: number, inner: number, k: number, largest: boolean): number[] {
    const rank = (v: number) => (Number.isNaN(v) ? Infinity : largest ? -v : v);
    const indices: number[] = new Array(outer * k * inner);
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
      const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => {
        const ra = largest && Number.isNaN(x[(o * n + a) * inner + i]!) ? -Infinity : rank(x[(o * n + a) * inner + i]!);
        const rb = largest && Number.isNaN(x[(o * n + b) * inner + i]!) ? -Infinity : rank(x[(o * n + b) * inner + i]!);
        return ra === rb ? a - b : ra - rb;
      });
      for (let j = 0; j < k; j++) indices[(o * k + j) * inner + i] = order[j]!;
    }
    return indices;
  }

  for (const [outer, n, inner] of SHAPES) {
    for (const largest of [true, false]) {
      it(`${largest ? 'largest' : 'smallest'} over [${outer}, ${n}, ${inner}]`, () => {
        const x = withNaNs(integers(outer * n * inner, 5, n * 3 + inner), inner);
        for (const k of [1, Math.ceil(n / 2), n]) {
          const size = outer * k * inner;
          const [, values, indices] = withBuffers([x, new Array(size).fill(0), new Array(size).fill(0)], (px, pv, pi) => kernels().topkAxis!(px, pv, pi, outer, n, inner, k, largest ? 1 : 0));
          const want = topkReference(x, outer, n, inner, k, largest);
          expect(Array.from(indices!), `k ${k}`).toEqual(want);
          expect(Array.from(values!), `k ${k}`).toEqual(want.map((j, at) => {
            const o = Math.floor(at / (k * inner));
            return x[(o * n + j) * inner + (at % inner)]!;
          }));
        }
      });
    }
  }
});
