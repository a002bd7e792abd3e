import { beforeAll, describe, expect, it } from 'vitest';
import { kernels } from '../../src/backend/backend.js';
import { init } from '../../src/index.js';
import { integers, withBuffers } from '../helpers/wasm-buffers.js';

// cumsumForward(x, out, outer, n, inner, reverse): running sums along n, from the start or
// (reverse) from the end. Integer values keep every sum exact.

beforeAll(async () => {
  await init();
});

describe('cumsumForward', () => {
  for (const [outer, n, inner] of [[1, 1, 1], [2, 7, 1], [3, 4, 5], [2, 5, 8]] as const) {
    for (const reverse of [false, true]) {
      it(`${reverse ? 'reverse ' : ''}running sums over [${outer}, ${n}, ${inner}]`, () => {
        const x = integers(outer * n * inner, 9, n + inner).map((v) => v - 4);
        const [, out] = withBuffers([x, new Array(x.length).fill(0)], (px, po) => kernels().cumsumForward!(px, po, outer, n, inner, reverse ? 1 : 0));
        const want = new Array<number>(x.length);
        for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
          let total = 0;
          for (let s = 0; s < n; s++) {
            const k = reverse ? n - 1 - s : s;
            total += x[(o * n + k) * inner + i]!;
            want[(o * n + k) * inner + i] = total;
          }
        }
        expect(Array.from(out!)).toEqual(want);
      });
    }
  }
});
