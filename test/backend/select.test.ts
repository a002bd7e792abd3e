import { beforeAll, describe, expect, it } from 'vitest';
import { kernels } from '../../src/backend/backend.js';
import { init } from '../../src/index.js';
import { withBuffers } from '../helpers/wasm-buffers.js';

// whereForward, fillWhere and zeroInfinite for lengths around the vector width; a condition is
// true when nonzero (NaN included, since NaN != 0).

beforeAll(async () => {
  await init();
});

const condition = (n: number) => Array.from({ length: n }, (_, i) => [1, 0, -2, 0, NaN, 0.5, 0, -0][i % 8]!);
const truthy = (c: number) => c !== 0;

describe('select kernels', () => {
  for (const n of [1, 3, 4, 7, 8, 9]) {
    it(`where and fillWhere over ${n} values`, () => {
      const c = condition(n);
      const a = Array.from({ length: n }, (_, i) => i + 1);
      const b = Array.from({ length: n }, (_, i) => -(i + 1));
      const [, , , out] = withBuffers([c, a, b, new Array(n).fill(0)], (pc, pa, pb, po) => kernels().whereForward!(pc, pa, pb, po, n));
      expect(Array.from(out!)).toEqual(c.map((v, i) => (truthy(v) ? a[i] : b[i])));
      for (const whenTrue of [1, 0]) {
        const [, , filled] = withBuffers([c, a, new Array(n).fill(0)], (pc, pa, po) => kernels().fillWhere!(pc, pa, po, n, 7, whenTrue));
        expect(Array.from(filled!)).toEqual(c.map((v, i) => (truthy(v) === (whenTrue === 1) ? 7 : a[i])));
      }
    });

    it(`zeroInfinite over ${n} values keeps NaN`, () => {
      const x = Array.from({ length: n }, (_, i) => [Infinity, 1, -Infinity, NaN, -2][i % 5]!);
      const [out] = withBuffers([x], (px) => kernels().zeroInfinite!(px, n));
      expect(Array.from(out!)).toEqual(x.map((v) => (Math.abs(v) === Infinity ? 0 : v)));
    });
  }
});
