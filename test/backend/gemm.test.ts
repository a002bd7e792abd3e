import { beforeAll, describe, expect, it } from 'vitest';
import { F, matmul, tensor } from 'simdgrad';
import { backend, kernels } from '../../src/backend/backend.js';
import { init } from '../../src/index.js';
import { exactIntegers } from '../helpers/exact-integers.js';

// gemm(transA, transB, m, n, k, a, b, c, accumulate): C[m,n] (+)= op(A)·op(B), row-major, with
// A stored [m,k] ([k,m] when transA) and B stored [k,n] ([n,k] when transB).
// gemmBiasRelu(transA, transB, m, n, k, a, b, c, bias, biasPerRow, relu): C = op(A)·op(B), plus
// bias[i] per row or bias[j] per column (none when the pointer is 0), then max(0, ·) if relu.

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
  return inWasm(a, b, null, c0, (pa, pb, _, pc) => kernels().gemm!(+p.transA, +p.transB, p.m, p.n, p.k, pa, pb, pc, +p.accumulate));
}

interface Epilogue {
  bias: Float64Array | null;
  biasPerRow: boolean;
  relu: boolean;
}

/** gemmBiasRelu on copies of a, b and bias, C starting as NaN (it must not leak in). */
function runGemmBiasRelu(p: Problem, a: Float64Array, b: Float64Array, e: Epilogue): { c: Float32Array; guard: Float32Array } {
  const c0 = new Float64Array(p.m * p.n).fill(NaN);
  return inWasm(a, b, e.bias, c0, (pa, pb, pbias, pc) => kernels().gemmBiasRelu!(+p.transA, +p.transB, p.m, p.n, p.k, pa, pb, pc, pbias, +e.biasPerRow, +e.relu));
}

function inWasm(
  a: Float64Array, b: Float64Array, bias: Float64Array | null, c0: Float64Array,
  run: (pa: number, pb: number, pbias: number, pc: number) => void,
): { c: Float32Array; guard: Float32Array } {
  const { allocator } = backend();
  const pa = allocator.alloc(4 * a.length);
  const pb = allocator.alloc(4 * b.length);
  const pbias = bias ? allocator.alloc(4 * bias.length) : 0;
  const pc = allocator.alloc(4 * (c0.length + GUARD));
  try {
    const memory = allocator.f32();
    memory.set(a, pa >>> 2);
    memory.set(b, pb >>> 2);
    if (bias) memory.set(bias, pbias >>> 2);
    memory.set(c0, pc >>> 2);
    memory.fill(-7777, (pc >>> 2) + c0.length, (pc >>> 2) + c0.length + GUARD);
    run(pa, pb, pbias, pc);
    const after = allocator.f32();
    return {
      c: after.slice(pc >>> 2, (pc >>> 2) + c0.length),
      guard: after.slice((pc >>> 2) + c0.length, (pc >>> 2) + c0.length + GUARD),
    };
  } finally {
    allocator.free(pa);
    allocator.free(pb);
    if (pbias) allocator.free(pbias);
    allocator.free(pc);
  }
}

// The product first, then the bias, then the ReLU; Math.max(0, NaN) would give NaN too, but say it.
function epilogueReference(p: Problem, a: Float64Array, b: Float64Array, e: Epilogue): Float64Array {
  const out = reference(p, a, b, new Float64Array(p.m * p.n));
  for (let i = 0; i < p.m; i++) {
    for (let j = 0; j < p.n; j++) {
      let value = out[i * p.n + j]! + (e.bias ? e.bias[e.biasPerRow ? i : j]! : 0);
      if (e.relu && value < 0) value = 0;
      out[i * p.n + j] = value;
    }
  }
  return out;
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
          const a = exactIntegers(m * k, 1 + m);
          const b = exactIntegers(k * n, 2 + n);
          // Without accumulate the old C must not leak into the result, not even as NaN * 0.
          const c0 = accumulate ? exactIntegers(m * n, 3 + k) : new Float64Array(m * n).fill(NaN);
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
    const none = runGemm({ m: 0, n: 5, k: 3, transA: false, transB: false, accumulate: false }, new Float64Array(0), exactIntegers(15, 1), new Float64Array(0));
    expect(Array.from(none.guard)).toEqual(new Array(GUARD).fill(-7777));
    const p: Problem = { m: 2, n: 3, k: 0, transA: false, transB: false, accumulate: false };
    expect(Array.from(runGemm(p, new Float64Array(0), new Float64Array(0), new Float64Array(6).fill(5)).c)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(runGemm({ ...p, accumulate: true }, new Float64Array(0), new Float64Array(0), new Float64Array(6).fill(5)).c)).toEqual([5, 5, 5, 5, 5, 5]);
  });
});

// gemmPackB(transB, k, n, b, dst) packs op(B) once (gemmPackedBBytes(k, n) bytes, 0 when n is
// wider than one block); gemmPackedB(transA, m, n, k, a, packed, c, accumulate) then multiplies
// without packing B: what a recurrent layer does with its weights at every time step.
describe('gemmPackedB kernel', () => {
  // Sizes with a partial tile at the right (n not a multiple of 8), more rows than one block of A
  // (MC = 120), more steps than one block of k (KC = 512), and W7's two per-step products.
  const PACKED_SIZES: [number, number, number][] = [[7, 13, 5], [130, 21, 600], [32, 1024, 256], [32, 256, 1024], [1, 9, 3]];
  for (const [m, n, k] of PACKED_SIZES) {
    for (const layout of LAYOUTS) {
      for (const accumulate of [false, true]) {
        const p: Problem = { m, n, k, ...layout, accumulate };
        it(`${layoutName(p)} ${m}x${n}x${k}${accumulate ? ', accumulating into C' : ''} equals gemm, exactly on integers`, () => {
          const a = exactIntegers(m * k, 5 + m);
          const b = exactIntegers(k * n, 6 + n);
          const c0 = accumulate ? exactIntegers(m * n, 7 + k) : new Float64Array(m * n).fill(NaN);
          const bytes = kernels().gemmPackedBBytes!(k, n) as number;
          expect(bytes).toBe(4 * k * Math.ceil(n / 8) * 8);
          const { allocator } = backend();
          const packed = allocator.alloc(bytes);
          try {
            const { c, guard } = inWasm(a, b, null, c0, (pa, pb, _, pc) => {
              kernels().gemmPackB!(+p.transB, k, n, pb, packed);
              kernels().gemmPackedB!(+p.transA, m, n, k, pa, packed, pc, +p.accumulate);
            });
            expect(Array.from(c)).toEqual(Array.from(reference(p, a, b, c0)));
            expect(Array.from(guard), 'wrote past the end of C').toEqual(new Array(GUARD).fill(-7777));
          } finally {
            allocator.free(packed);
          }
        });
      }
    }
  }

  it('declines a B wider than one packed block (n > 1024): its callers fall back to gemm', () => {
    expect(kernels().gemmPackedBBytes!(16, 1025)).toBe(0);
    expect(kernels().gemmPackedBBytes!(16, 1024)).toBe(4 * 16 * 1024);
  });
});

// gemmPart(..., splitColumns, sharedB, begin, end) computes rows [begin, end) of C (columns if
// splitColumns); row parts may share one packing of op(B) in an area of gemmSharedBBytes(k, n)
// bytes, reset by gemmSharedBReset: the first part to need a block packs it, later ones reuse it.
// Threads run the parts; here one thread runs them last part first, as the pool hands them out.
describe('gemmPart kernel', () => {
  // More columns than one packed block (NC = 1024), more steps than two blocks of k (KC = 512),
  // parts that end inside a tile, and a part shorter than the others.
  const PART_SIZES: [number, number, number, number][] = [[40, 1030, 9, 12], [37, 21, 1025, 16], [130, 67, 257, 36]];
  const MODES = [
    { name: 'a product', accumulate: true, bias: false, relu: false },
    { name: 'bias per row and ReLU', accumulate: false, bias: true, relu: true },
  ];
  for (const [m, n, k, chunk] of PART_SIZES) {
    for (const layout of LAYOUTS) {
      for (const mode of MODES) {
        it(`${layoutName(layout)} ${m}x${n}x${k} in parts of ${chunk} rows sharing one packing of B gives gemm's C bit for bit (${mode.name})`, () => {
          const a = uniform(m * k, 41 + m);
          const b = uniform(k * n, 42 + n);
          const c0 = uniform(m * n, 43 + k);
          const bias = mode.bias ? uniform(m, 44) : null;
          const [transA, transB] = [+layout.transA, +layout.transB];
          const whole = inWasm(a, b, bias, c0, (pa, pb, pbias, pc) => {
            if (mode.accumulate) kernels().gemm!(transA, transB, m, n, k, pa, pb, pc, 1);
            else kernels().gemmBiasRelu!(transA, transB, m, n, k, pa, pb, pc, pbias, 1, +mode.relu);
          });
          const { allocator } = backend();
          const shared = allocator.alloc(kernels().gemmSharedBBytes!(k, n));
          try {
            const parts = inWasm(a, b, bias, c0, (pa, pb, pbias, pc) => {
              kernels().gemmSharedBReset!(shared, k, n);
              for (let begin = Math.floor((m - 1) / chunk) * chunk; begin >= 0; begin -= chunk) {
                kernels().gemmPart!(transA, transB, m, n, k, pa, pb, pc, +mode.accumulate, pbias, 1, +mode.relu, 0, shared, begin, Math.min(begin + chunk, m));
              }
            });
            expect(new Uint32Array(parts.c.buffer)).toEqual(new Uint32Array(whole.c.buffer));
            expect(Array.from(parts.guard), 'wrote past the end of C').toEqual(new Array(GUARD).fill(-7777));
          } finally {
            allocator.free(shared);
          }
        });
      }
    }
  }
});

describe('gemmBiasRelu kernel', () => {
  // Edge tiles in both directions, a single row or column, one step of k, and several blocks of
  // k (the bias must go in once and the ReLU only after the last block) and of n.
  const EPILOGUE_SIZES: [number, number, number][] = [
    [7, 13, 5],
    [33, 65, 17],
    [16, 8, 25],
    [1, 37, 19],
    [23, 1, 45],
    [1, 1, 9],
    [17, 19, 1],
    [37, 21, 1025],
    [9, 2053, 30],
    [130, 67, 257],
  ];
  const EPILOGUES = [
    { name: 'no bias, no ReLU', bias: false, biasPerRow: false, relu: false },
    { name: 'ReLU only', bias: false, biasPerRow: false, relu: true },
    { name: 'bias per row', bias: true, biasPerRow: true, relu: false },
    { name: 'bias per column', bias: true, biasPerRow: false, relu: false },
    { name: 'bias per row and ReLU', bias: true, biasPerRow: true, relu: true },
    { name: 'bias per column and ReLU', bias: true, biasPerRow: false, relu: true },
  ];

  for (const [m, n, k] of EPILOGUE_SIZES) {
    for (const layout of LAYOUTS) {
      for (const kind of EPILOGUES) {
        const p: Problem = { m, n, k, ...layout, accumulate: false };
        it(`${layoutName(p)} ${m}x${n}x${k}, ${kind.name}, is exact on integers`, () => {
          const a = exactIntegers(m * k, 21 + m);
          const b = exactIntegers(k * n, 22 + n);
          const e = { bias: kind.bias ? exactIntegers(kind.biasPerRow ? m : n, 23 + k) : null, biasPerRow: kind.biasPerRow, relu: kind.relu };
          const { c, guard } = runGemmBiasRelu(p, a, b, e);
          const want = epilogueReference(p, a, b, e);
          expect(Array.from(c)).toEqual(Array.from(want));
          if (kind.relu && m * n > 1) expect(epilogueReference(p, a, b, { ...e, relu: false }).some((v) => v < 0), 'the ReLU has something to clamp').toBe(true);
          expect(Array.from(guard), 'wrote past the end of C').toEqual(new Array(GUARD).fill(-7777));
        });
      }
    }
  }

  for (const [m, n] of [[2, 3], [1, 4], [4, 1]] as [number, number][]) {
    it(`k = 0 gives the bias, ReLU'd (${m}x${n})`, () => {
      const p: Problem = { m, n, k: 0, transA: false, transB: false, accumulate: false };
      const rows = Float64Array.from({ length: m }, (_, i) => i - 1);
      const columns = Float64Array.from({ length: n }, (_, j) => 1 - j);
      const none = new Float64Array(0);
      expect(Array.from(runGemmBiasRelu(p, none, none, { bias: rows, biasPerRow: true, relu: true }).c)).toEqual(Array.from(epilogueReference(p, none, none, { bias: rows, biasPerRow: true, relu: true })));
      expect(Array.from(runGemmBiasRelu(p, none, none, { bias: columns, biasPerRow: false, relu: false }).c)).toEqual(Array.from(epilogueReference(p, none, none, { bias: columns, biasPerRow: false, relu: false })));
      expect(Array.from(runGemmBiasRelu(p, none, none, { bias: null, biasPerRow: false, relu: true }).c)).toEqual(new Array(m * n).fill(0));
    });
  }

  // PyTorch: relu(nan) = nan. One NaN in A poisons one row of C; in B, one column.
  for (const [m, n, k] of [[13, 21, 9], [1, 21, 9], [13, 1, 9]] as [number, number, number][]) {
    for (const layout of LAYOUTS) {
      it(`${layoutName(layout)} ${m}x${n}x${k}: NaN stays NaN through bias and ReLU`, () => {
        const p: Problem = { m, n, k, ...layout, accumulate: false };
        const a = exactIntegers(m * k, 31);
        const b = exactIntegers(k * n, 32);
        a[layout.transA ? 2 * m + (m - 1) : (m - 1) * k + 2] = NaN;
        b[layout.transB ? 0 * k + 4 : 4 * n + 0] = NaN;
        const e = { bias: exactIntegers(n, 33), biasPerRow: false, relu: true };
        const { c } = runGemmBiasRelu(p, a, b, e);
        const want = epilogueReference(p, a, b, e);
        expect(want.some(Number.isNaN)).toBe(true);
        expect(Array.from(c)).toEqual(Array.from(want));
      });
    }
  }
});

describe('gemm through the public ops', () => {
  // matmul runs NN forward and NT/TN backward; linear runs NT forward and NN/TN backward.
  it('matmul and its gradients are exact on integers at sizes that span several blocks', () => {
    const [m, k, n] = [130, 257, 67];
    const av = exactIntegers(m * k, 5);
    const bv = exactIntegers(k * n, 6);
    const a = tensor(Float32Array.from(av), [m, k], { requiresGrad: true });
    const b = tensor(Float32Array.from(bv), [k, n], { requiresGrad: true });
    const out = matmul(a, b);
    const nn = { m, n, k, transA: false, transB: false, accumulate: false };
    expect(Array.from(out.toFloat32Array())).toEqual(Array.from(reference(nn, av, bv, new Float64Array(m * n))));
    const upstream = exactIntegers(m * n, 7);
    out.backward(tensor(Float32Array.from(upstream), [m, n]));
    const gradA = reference({ m, n: k, k: n, transA: false, transB: true, accumulate: false }, upstream, bv, new Float64Array(m * k));
    const gradB = reference({ m: k, n, k: m, transA: true, transB: false, accumulate: false }, av, upstream, new Float64Array(k * n));
    expect(Array.from(a.grad!.toFloat32Array())).toEqual(Array.from(gradA));
    expect(Array.from(b.grad!.toFloat32Array())).toEqual(Array.from(gradB));
  });

  it('linear is exact on integers for a batch that is not a multiple of the tile', () => {
    const [rows, inFeatures, outFeatures] = [61, 300, 37];
    const xv = exactIntegers(rows * inFeatures, 8);
    const wv = exactIntegers(outFeatures * inFeatures, 9);
    const y = F.linear(tensor(Float32Array.from(xv), [rows, inFeatures]), tensor(Float32Array.from(wv), [outFeatures, inFeatures]));
    const nt = { m: rows, n: outFeatures, k: inFeatures, transA: false, transB: true, accumulate: false };
    expect(Array.from(y.toFloat32Array())).toEqual(Array.from(reference(nt, xv, wv, new Float64Array(rows * outFeatures))));
  });
});
