import { beforeAll, describe, expect, it } from 'vitest';
import { backend, kernels } from '../../src/backend/backend.js';
import { init } from '../../src/index.js';
import { exactIntegers } from '../helpers/exact-integers.js';

// recurrentPackWeight(transposed, k, n, w, dst) packs op(W) once (recurrentWeightBytes(k, n)
// bytes); recurrentProduct(m, n, k, a, packed, c, accumulate) then computes C[m, n] (+)= A·op(W)
// at every time step of a recurrent layer. The rows of A that do not fill the engine's row tiles
// (MR = 5, or 6 with relaxed SIMD) go through a tile of their own when there are one or two of
// them: the batches below leave 0, 1, 2 and 3 or more rows over for both MR, the column counts
// end inside the last pair of 8-column panels or fill it, and k = 600 spans two blocks (KC = 512).

const BATCHES = [1, 2, 3, 7, 12, 13, 32];
const SHAPES: [number, number][] = [[5, 3], [16, 7], [37, 600], [1024, 256], [256, 1024]];
const GUARD = 16;

beforeAll(async () => {
  await init();
});

function reference(m: number, n: number, k: number, a: Float64Array, w: Float64Array, transposed: boolean, c0: Float64Array | null): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = c0 ? c0[i * n + j]! : 0;
      for (let p = 0; p < k; p++) sum += a[i * k + p]! * w[transposed ? j * k + p : p * n + j]!;
      out[i * n + j] = sum;
    }
  }
  return out;
}

// C after the product and the guard cells after it, from copies of a, w and c0 in wasm memory.
function product(m: number, n: number, k: number, a: Float64Array, w: Float64Array, transposed: boolean, c0: Float64Array | null): { c: Float32Array; guard: Float32Array } {
  const { allocator } = backend();
  const kr = kernels();
  const pa = allocator.alloc(4 * a.length);
  const pw = allocator.alloc(4 * w.length);
  const pc = allocator.alloc(4 * (m * n + GUARD));
  const packed = allocator.alloc(kr.recurrentWeightBytes!(k, n));
  try {
    const memory = allocator.f32();
    memory.set(a, pa >>> 2);
    memory.set(w, pw >>> 2);
    if (c0) memory.set(c0, pc >>> 2);
    else memory.fill(NaN, pc >>> 2, (pc >>> 2) + m * n);
    memory.fill(-7777, (pc >>> 2) + m * n, (pc >>> 2) + m * n + GUARD);
    kr.recurrentPackWeight!(+transposed, k, n, pw, packed);
    kr.recurrentProduct!(m, n, k, pa, packed, pc, c0 ? 1 : 0);
    const after = allocator.f32();
    return { c: after.slice(pc >>> 2, (pc >>> 2) + m * n), guard: after.slice((pc >>> 2) + m * n, (pc >>> 2) + m * n + GUARD) };
  } finally {
    [pa, pw, pc, packed].forEach((p) => allocator.free(p));
  }
}

describe('recurrentProduct kernel', () => {
  for (const [n, k] of SHAPES) {
    for (const m of BATCHES) {
      for (const transposed of [false, true]) {
        for (const accumulate of [false, true]) {
          it(`${m} rows of A times ${transposed ? 'Wᵀ' : 'W'} ${k}x${n}${accumulate ? ', accumulating into C' : ''}: exactly the float64 product`, () => {
            const a = exactIntegers(m * k, 3 + m);
            const w = exactIntegers(k * n, 4 + n);
            const c0 = accumulate ? exactIntegers(m * n, 5 + k) : null;
            const { c, guard } = product(m, n, k, a, w, transposed, c0);
            expect(Array.from(c)).toEqual(Array.from(reference(m, n, k, a, w, transposed, c0)));
            expect(Array.from(guard), 'wrote past the end of C').toEqual(new Array(GUARD).fill(-7777));
          });
        }
      }
    }
  }

  it('packs W into whole pairs of 8-column panels', () => {
    expect(kernels().recurrentWeightBytes!(3, 5)).toBe(4 * 3 * 16);
    expect(kernels().recurrentWeightBytes!(256, 1024)).toBe(4 * 256 * 1024);
    expect(kernels().recurrentWeightBytes!(7, 17)).toBe(4 * 7 * 32);
  });
});
