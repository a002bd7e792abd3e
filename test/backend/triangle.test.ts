import { beforeAll, describe, expect, it } from 'vitest';
import { kernels } from '../../src/backend/backend.js';
import { init } from '../../src/index.js';
import { withBuffers } from '../helpers/wasm-buffers.js';

// triangleForward(x, out, batch, rows, cols, diagonal, upper) against its definition, for
// diagonals that cut every row, none, or all, and rows around the vector width.

beforeAll(async () => {
  await init();
});

describe('triangleForward', () => {
  for (const [rows, cols] of [[3, 3], [4, 9], [7, 2], [2, 13]] as const) {
    it(`keeps the right entries of [2, ${rows}, ${cols}] for every diagonal`, () => {
      const size = 2 * rows * cols;
      const x = Array.from({ length: size }, (_, i) => i + 1);
      for (let diagonal = -rows - 1; diagonal <= cols + 1; diagonal++) {
        for (const upper of [0, 1]) {
          const [, out] = withBuffers([x, new Array(size).fill(-1)], (px, po) => kernels().triangleForward!(px, po, 2, rows, cols, diagonal, upper));
          const want = x.map((v, i) => {
            const c = i % cols;
            const r = Math.floor(i / cols) % rows;
            return (upper ? c - r >= diagonal : c - r <= diagonal) ? v : 0;
          });
          expect(Array.from(out!), `diagonal ${diagonal}, upper ${upper}`).toEqual(want);
        }
      }
    });
  }
});
