import { beforeAll, describe, expect, it } from 'vitest';
import { kernels } from '../../src/backend/backend.js';
import { init } from '../../src/index.js';
import { withBuffers } from '../helpers/wasm-buffers.js';

// abs and clamp and their derivatives, for lengths around the vector width (body and tail),
// against plain loops. Both gradients are 0 at NaN, as in torch (x = nan: x.abs() and
// x.clamp(0, 1) both backpropagate 0).

beforeAll(async () => {
  await init();
});

const LENGTHS = [1, 3, 4, 7, 8, 9];
const input = (n: number) => Array.from({ length: n }, (_, i) => [-2, -0.5, 0, 0.5, 1, 3, NaN, -0][i % 8]!);
const upstream = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const zeros = (n: number) => new Array<number>(n).fill(0);

describe('piecewise kernels', () => {
  for (const n of LENGTHS) {
    it(`abs and its gradient over ${n} values`, () => {
      const x = input(n);
      const [, out] = withBuffers([x, zeros(n)], (px, po) => kernels().absForward!(px, po, n));
      expect(Array.from(out!)).toEqual(x.map((v) => Math.abs(v)));
      const [, , grad] = withBuffers([x, upstream(n), zeros(n)], (px, pg, po) => kernels().absBackward!(px, pg, po, n));
      expect(Array.from(grad!)).toEqual(x.map((v, i) => (v > 0 ? i + 1 : v < 0 ? -(i + 1) : 0)));
    });

    it(`clamp to [-0.5, 1] and its gradient over ${n} values`, () => {
      const x = input(n);
      const [, out] = withBuffers([x, zeros(n)], (px, po) => kernels().clampForward!(px, po, n, -0.5, 1));
      expect(Array.from(out!)).toEqual(x.map((v) => (Number.isNaN(v) ? NaN : Math.min(Math.max(v, -0.5), 1))));
      const [, , grad] = withBuffers([x, upstream(n), zeros(n)], (px, pg, po) => kernels().clampBackward!(px, pg, po, n, -0.5, 1));
      expect(Array.from(grad!)).toEqual(x.map((v, i) => (v >= -0.5 && v <= 1 ? i + 1 : 0)));
    });
  }
});
