import { beforeAll, describe, expect, it } from 'vitest';
import { F, matmul, tensor } from 'simdgrad';
import { backend, init, kernels } from '../../src/backend/backend.js';

// gemm(transA, transB, m, n, k, a, b, c, accumulate): C[m,n] (+)= op(A)·op(B), row-major, with
// A stored [m,k] ([k,m] when transA) and B stored [k,n] ([n,k] when transB).

interface Problem {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  accumulate: boolean;
}

const SIZES: [number, number, number][] = [
  [1, 1, 1],
  [7, 13, 5],
  [33, 65, 17],
  [130, 3, 257],
  [256, 256, 256],
  // A single row or column of C (matrix-vector products) and a single step of k (outer product).
  [1, 37, 19],
  [23, 1, 45],
  [17, 19, 1],
  // More columns than one block of packed B (NC = 1024 in assembly/gemm.ts); more steps than two
  // blocks of k (KC = 512), the last one a single step.
  [9, 2053, 260],
  [37, 21, 1025],
];
const LAYOUTS = [
  { transA: false, transB: false },
  { transA: false, transB: true },
  { transA: true, transB: false },
  { transA: true, transB: true },
];
const GUARD = 16;

beforeAll(async () => {
  await init();
});

// Small integers: every product and partial sum is exact in float32, so the kernel must match
// the float64 reference exactly, whatever its blocking, summation order or FMA.
function integers(count: number, seed: number): Float64Array {
  const values = new Float64Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    values[i] = (state >>> 16) % 7 - 3;
  }
  return values;
}

function uniform(count: number, seed: number): Float64Array {
  const values = new Float64Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    values[i] = Math.fround(state / 2 ** 31 - 1);
  }
  return values;
}

function reference(p: Problem, a: Float64Array, b: Float64Array, c0: Float64Array): Float64Array {
  const { m, n, k } = p;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = p.accumulate ? c0[i * n + j]! : 0;
      for (let q = 0; q < k; q++) {
        sum += a[p.transA ? q * m + i : i * k + q]! * b[p.transB ? j * k + q : q * n + j]!;
      }
      out[i * n + j] = sum;
    }
  }
  return out;
}

/** Runs the kernel on copies of a, b and c0 in wasm memory; returns C and the guard cells after it. */
function runGemm(p: Problem, a: Float64Array, b: Float64Array, c0: Float64Array): { c: Float32Array; guard: Float32Array } {
  const { allocator } = backend();
  const pa = allocator.alloc(4 * a.length);
  const pb = allocator.alloc(4 * b.length);
  const pc = allocator.alloc(4 * (c0.length + GUARD));
  try {
    const memory = allocator.f32();
    memory.set(a, pa >>> 2);
    memory.set(b, pb >>> 2);
    memory.set(c0, pc >>> 2);
    memory.fill(-7777, (pc >>> 2) + c0.length, (pc >>> 2) + c0.length + GUARD);
    kernels().gemm!(+p.transA, +p.transB, p.m, p.n, p.k, pa, pb, pc, +p.accumulate);
    const after = allocator.f32();
    return {
      c: after.slice(pc >>> 2, (pc >>> 2) + c0.length),
      guard: after.slice((pc >>> 2) + c0.length, (pc >>> 2) + c0.length + GUARD),
    };
  } finally {
    allocator.free(pa);
    allocator.free(pb);
    allocator.free(pc);
  }
}

function layoutName(p: { transA: boolean; transB: boolean }): string {
  return `${p.transA ? 'T' : 'N'}${p.transB ? 'T' : 'N'}`;
}

describe('gemm kernel', () => {
  for (const [m, n, k] of SIZES) {
    for (const layout of LAYOUTS) {
      for (const accumulate of [false, true]) {
        const p: Problem = { m, n, k, ...layout, accumulate };
        it(`${layoutName(p)} ${m}x${n}x${k}${accumulate ? ', accumulating into C' : ''} is exact on integers`, () => {
          const a = integers(m * k, 1 + m);
          const b = integers(k * n, 2 + n);
          // Without accumulate the old C must not leak into the result, not even as NaN * 0.
          const c0 = accumulate ? integers(m * n, 3 + k) : new Float64Array(m * n).fill(NaN);
          const { c, guard } = runGemm(p, a, b, c0);
          expect(Array.from(c)).toEqual(Array.from(reference(p, a, b, c0)));
          expect(Array.from(guard), 'wrote past the end of C').toEqual(new Array(GUARD).fill(-7777));
        });
      }
    }
  }

  for (const layout of LAYOUTS) {
    it(`${layoutName(layout)} 130x67x257 on random floats stays within float32 rounding`, () => {
      const p: Problem = { m: 130, n: 67, k: 257, ...layout, accumulate: true };
      const a = uniform(p.m * p.k, 11);
      const b = uniform(p.k * p.n, 12);
      const c0 = uniform(p.m * p.n, 13);
      const want = reference(p, a, b, c0);
      const { c } = runGemm(p, a, b, c0);
      const scale = Math.max(...want.map(Math.abs));
      const tolerance = 1e-6 * Math.sqrt(p.k) * scale;
      const worst = Math.max(...Array.from(c, (v, i) => Math.abs(v - want[i]!)));
      expect(worst).toBeLessThan(tolerance);
    });
  }

  it('leaves C alone when m or n is 0, and zeroes it when k is 0', () => {
    const none = runGemm({ m: 0, n: 5, k: 3, transA: false, transB: false, accumulate: false }, new Float64Array(0), integers(15, 1), new Float64Array(0));
    expect(Array.from(none.guard)).toEqual(new Array(GUARD).fill(-7777));
    const p: Problem = { m: 2, n: 3, k: 0, transA: false, transB: false, accumulate: false };
    expect(Array.from(runGemm(p, new Float64Array(0), new Float64Array(0), new Float64Array(6).fill(5)).c)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(runGemm({ ...p, accumulate: true }, new Float64Array(0), new Float64Array(0), new Float64Array(6).fill(5)).c)).toEqual([5, 5, 5, 5, 5, 5]);
  });
});

describe('gemm through the public ops', () => {
  // matmul runs NN forward and NT/TN backward; linear runs NT forward and NN/TN backward.
  it('matmul and its gradients are exact on integers at sizes that span several blocks', () => {
    const [m, k, n] = [130, 257, 67];
    const av = integers(m * k, 5);
    const bv = integers(k * n, 6);
    const a = tensor(Float32Array.from(av), [m, k], { requiresGrad: true });
    const b = tensor(Float32Array.from(bv), [k, n], { requiresGrad: true });
    const out = matmul(a, b);
    const nn = { m, n, k, transA: false, transB: false, accumulate: false };
    expect(Array.from(out.toFloat32Array())).toEqual(Array.from(reference(nn, av, bv, new Float64Array(m * n))));
    const upstream = integers(m * n, 7);
    out.backward(tensor(Float32Array.from(upstream), [m, n]));
    const gradA = reference({ m, n: k, k: n, transA: false, transB: true, accumulate: false }, upstream, bv, new Float64Array(m * k));
    const gradB = reference({ m: k, n, k: m, transA: true, transB: false, accumulate: false }, av, upstream, new Float64Array(k * n));
    expect(Array.from(a.grad!.toFloat32Array())).toEqual(Array.from(gradA));
    expect(Array.from(b.grad!.toFloat32Array())).toEqual(Array.from(gradB));
  });

  it('linear is exact on integers for a batch that is not a multiple of the tile', () => {
    const [rows, inFeatures, outFeatures] = [61, 300, 37];
    const xv = integers(rows * inFeatures, 8);
    const wv = integers(outFeatures * inFeatures, 9);
    const y = F.linear(tensor(Float32Array.from(xv), [rows, inFeatures]), tensor(Float32Array.from(wv), [outFeatures, inFeatures]));
    const nt = { m: rows, n: outFeatures, k: inFeatures, transA: false, transB: true, accumulate: false };
    expect(Array.from(y.toFloat32Array())).toEqual(Array.from(reference(nt, xv, wv, new Float64Array(rows * outFeatures))));
  });
});
