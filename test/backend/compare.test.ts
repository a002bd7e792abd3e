import { beforeAll, describe, expect, it } from 'vitest';
import { kernels } from '../../src/backend/backend.js';
import { init } from '../../src/index.js';
import { integers, withBuffers } from '../helpers/wasm-buffers.js';

// The broadcasting block kernels of assembly/compare.ts: out[o, i] = a[o*aOuter + i*aInner] (op)
// b[o*bOuter + i*bInner], inner strides 0 or 1, against plain loops, for every stride pattern
// and row lengths around the vector width.

beforeAll(async () => {
  await init();
});

const OPS: [string, (x: number, y: number) => number][] = [
  ['eqForward', (x, y) => +(x === y)],
  ['neForward', (x, y) => +(x !== y)],
  ['ltForward', (x, y) => +(x < y)],
  ['leForward', (x, y) => +(x <= y)],
  ['gtForward', (x, y) => +(x > y)],
  ['geForward', (x, y) => +(x >= y)],
  ['minimumForward', (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y))],
  ['maximumForward', (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y))],
];

describe('compare kernels', () => {
  for (const [name, op] of OPS) {
    it(`${name} over every stride pattern`, () => {
      for (const inner of [1, 3, 4, 5, 9]) {
        for (const [aInner, bInner] of [[1, 1], [0, 1], [1, 0], [0, 0]]) {
          const outer = 3;
          const a = integers(outer * inner, 3, inner + aInner).map((v, i) => (i % 11 === 4 ? NaN : v));
          const b = integers(outer * inner, 3, inner * 2 + bInner);
          const [aOuter, bOuter] = [aInner ? inner : 1, bInner ? inner : 1];
          const [, , out] = withBuffers([a, b, new Array(outer * inner).fill(0)], (pa, pb, po) => kernels()[name]!(pa, pb, po, outer, inner, aOuter, aInner, bOuter, bInner));
          const want: number[] = [];
          for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) want.push(op(a[o * aOuter + i * aInner]!, b[o * bOuter + i * bInner]!));
          expect(Array.from(out!), `inner ${inner}, strides ${aInner}/${bInner}`).toEqual(want);
        }
      }
    });
  }
});
