import { beforeAll, describe, expect, it } from 'vitest';
import { kernels } from '../../src/backend/backend.js';
import { init } from '../../src/index.js';
import { withBuffers } from '../helpers/wasm-buffers.js';

// The fused LSTM and GRU step kernels against a plain float64 reference, with hidden sizes that
// fill whole four-lane vectors (8) and that end with a partial one (6), over two batch rows.

beforeAll(async () => {
  await init();
});

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

function wave(count: number, seed: number, scale = 1.5): number[] {
  return Array.from(Float32Array.from({ length: count }, (_, i) => scale * Math.sin(1.37 * i + seed)));
}

function expectClose(got: ArrayLike<number>, want: number[], label: string): void {
  expect(got.length, label).toBe(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i]! - w), `${label}[${i}]: got ${got[i]}, want ${w}`).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(w))));
}

describe('lstmCellForward and lstmCellBackward', () => {
  for (const hidden of [8, 6]) {
    it(`match the float64 reference for 2 rows of hidden ${hidden}`, () => {
      const batch = 2;
      const pre = wave(batch * 4 * hidden, 1, 3);
      const cPrev = wave(batch * hidden, 2);
      const dhOut = wave(batch * hidden, 3);
      const dhNext = wave(batch * hidden, 4);
      const dcIn = wave(batch * hidden, 5);
      const zeros = (n: number): number[] => new Array<number>(n).fill(0);
      const [gates, , c, h] = withBuffers([pre, cPrev, zeros(batch * hidden), zeros(batch * hidden)], (g, cp, co, ho) => kernels().lstmCellForward!(g, cp, co, ho, batch, hidden));
      const [, , , , , dc, dGates] = withBuffers([gates!, cPrev, c!, dhOut, dhNext, dcIn, zeros(batch * 4 * hidden)], (g, cp, co, dho, dhn, dcp, dg) =>
        kernels().lstmCellBackward!(g, cp, co, dho, dhn, dcp, dg, batch, hidden),
      );
      const want = { gates: [] as number[], c: [] as number[], h: [] as number[], dGates: [] as number[], dc: [] as number[] };
      for (let n = 0; n < batch; n++) {
        const at = (gate: number, j: number): number => pre[n * 4 * hidden + gate * hidden + j]!;
        const row = { i: [] as number[], f: [] as number[], g: [] as number[], o: [] as number[], di: [] as number[], df: [] as number[], dg: [] as number[], do: [] as number[] };
        for (let j = 0; j < hidden; j++) {
          const s = n * hidden + j;
          const [i, f, g, o] = [sigmoid(at(0, j)), sigmoid(at(1, j)), Math.tanh(at(2, j)), sigmoid(at(3, j))];
          const cell = f * cPrev[s]! + i * g;
          const tc = Math.tanh(cell);
          const dh = dhOut[s]! + dhNext[s]!;
          const dcTotal = dcIn[s]! + dh * o * (1 - tc * tc);
          Object.entries({ i, f, g, o, di: dcTotal * g * i * (1 - i), df: dcTotal * cPrev[s]! * f * (1 - f), dg: dcTotal * i * (1 - g * g), do: dh * tc * o * (1 - o) })
            .forEach(([k, v]) => row[k as keyof typeof row].push(v));
          want.c.push(cell);
          want.h.push(o * tc);
          want.dc.push(dcTotal * f);
        }
        want.gates.push(...row.i, ...row.f, ...row.g, ...row.o);
        want.dGates.push(...row.di, ...row.df, ...row.dg, ...row.do);
      }
      expectClose(gates!, want.gates, 'gate activations');
      expectClose(c!, want.c, 'c');
      expectClose(h!, want.h, 'h');
      expectClose(dGates!, want.dGates, 'gate gradients');
      expectClose(dc!, want.dc, 'dc for cPrev');
    });
  }
});

describe('lstmCellForward at the ends of the gates\' range', () => {
  it('saturates without overflow or underflow trouble, and keeps NaN', () => {
    // One row of hidden 8: every gate pre-activation takes each of these values, one per hidden unit.
    const extremes = [-1e4, -120, -87, -20, 20, 87, 120, 1e4];
    const hidden = extremes.length;
    const pre = [0, 1, 2, 3].flatMap((gate) => extremes.map((x, j) => (gate === 3 ? extremes[hidden - 1 - j]! : x)));
    const cPrev = extremes.map((_, j) => j - 3.5);
    const [gates, , c, h] = withBuffers([pre, cPrev, new Array<number>(hidden).fill(0), new Array<number>(hidden).fill(0)], (g, cp, co, ho) => kernels().lstmCellForward!(g, cp, co, ho, 1, hidden));
    const want = { gates: [] as number[], c: [] as number[], h: [] as number[] };
    want.gates.push(...extremes.map(sigmoid), ...extremes.map(sigmoid), ...extremes.map(Math.tanh), ...extremes.map((_, j) => sigmoid(extremes[hidden - 1 - j]!)));
    extremes.forEach((x, j) => {
      const cell = sigmoid(x) * cPrev[j]! + sigmoid(x) * Math.tanh(x);
      want.c.push(cell);
      want.h.push(sigmoid(extremes[hidden - 1 - j]!) * Math.tanh(cell));
    });
    expectClose(gates!, want.gates, 'gate activations');
    expectClose(c!, want.c, 'c');
    expectClose(h!, want.h, 'h');

    const [nanGates, , nanC, nanH] = withBuffers([[NaN, 0, 0, 0], [1], [0], [0]], (g, cp, co, ho) => kernels().lstmCellForward!(g, cp, co, ho, 1, 1));
    expect(Number.isNaN(nanGates![0]), 'σ(NaN)').toBe(true);
    expect(Number.isNaN(nanC![0]) && Number.isNaN(nanH![0]), 'c and h after a NaN input gate').toBe(true);
  });
});

describe('gruCellForward and gruCellBackward', () => {
  for (const hidden of [8, 6]) {
    it(`match the float64 reference for 2 rows of hidden ${hidden}`, () => {
      const batch = 2;
      const a = wave(batch * 3 * hidden, 1, 2);
      const b = wave(batch * 3 * hidden, 2, 2);
      const hPrev = wave(batch * hidden, 3);
      const dhOut = wave(batch * hidden, 4);
      const dhNext = wave(batch * hidden, 5);
      const zeros = (n: number): number[] => new Array<number>(n).fill(0);
      const [gates, , , h] = withBuffers([a, b, hPrev, zeros(batch * hidden)], (pa, pb, hp, ho) => kernels().gruCellForward!(pa, pb, hp, ho, batch, hidden));
      const [, , , , dhPrev, dA, dB] = withBuffers([gates!, b, hPrev, dhOut, dhNext, zeros(batch * 3 * hidden), zeros(batch * 3 * hidden)], (g, pb, hp, dho, dhn, da, db) =>
        kernels().gruCellBackward!(g, pb, hp, dho, dhn, da, db, batch, hidden),
      );
      const want = { gates: [] as number[], h: [] as number[], dA: [] as number[], dB: [] as number[], dhPrev: [] as number[] };
      for (let n = 0; n < batch; n++) {
        const row = { r: [] as number[], z: [] as number[], n: [] as number[], dr: [] as number[], dz: [] as number[], dn: [] as number[], dbn: [] as number[] };
        for (let j = 0; j < hidden; j++) {
          const s = n * hidden + j;
          const at = (v: number[], gate: number): number => v[n * 3 * hidden + gate * hidden + j]!;
          const r = sigmoid(at(a, 0) + at(b, 0));
          const z = sigmoid(at(a, 1) + at(b, 1));
          const cand = Math.tanh(at(a, 2) + r * at(b, 2));
          const dh = dhOut[s]! + dhNext[s]!;
          const dn = dh * (1 - z) * (1 - cand * cand);
          Object.entries({ r, z, n: cand, dr: dn * at(b, 2) * r * (1 - r), dz: dh * (hPrev[s]! - cand) * z * (1 - z), dn, dbn: dn * r })
            .forEach(([k, v]) => row[k as keyof typeof row].push(v));
          want.h.push((1 - z) * cand + z * hPrev[s]!);
          want.dhPrev.push(dh * z);
        }
        want.gates.push(...row.r, ...row.z, ...row.n);
        want.dA.push(...row.dr, ...row.dz, ...row.dn);
        want.dB.push(...row.dr, ...row.dz, ...row.dbn);
      }
      expectClose(gates!, want.gates, 'gate activations');
      expectClose(h!, want.h, 'h');
      expectClose(dA!, want.dA, 'input-side gate gradients');
      expectClose(dB!, want.dB, 'hidden-side gate gradients');
      expectClose(dhPrev!, want.dhPrev, 'z·dh');
    });
  }
});
