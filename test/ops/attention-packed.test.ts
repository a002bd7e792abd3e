import { describe, expect, it } from 'vitest';
import { manualSeed, nn, tensor, type Tensor } from 'simdgrad';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';

// MultiheadAttention's self-attention without weights or masks other than the causal cut runs
// the packed op (src/ops/attention-packed.ts); asking for the weights takes the op-by-op path
// (matmul, softmax, matmul on split heads), and a key that is another tensor takes the separate
// projections and scaledDotProductAttention. All three must agree, values and gradients.

function wave(length: number, seed: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => Math.sin(1.37 * i + seed) * 0.9 + Math.cos(0.31 * i * seed));
}

interface Run {
  out: Float32Array;
  gradInput: Float32Array;
  gradInProj: Float32Array;
  gradOutProj: Float32Array;
}

function run(mha: nn.MultiheadAttention, shape: number[], path: 'packed' | 'weights' | 'separate', isCausal: boolean): Run {
  mha.zeroGrad();
  const x = tensor(wave(shape.reduce((a, b) => a * b, 1), 2), shape, { requiresGrad: true });
  const key = path === 'separate' ? x.mul(1) : x;
  const [out] = mha.forward(x, key, key, { isCausal, needWeights: path === 'weights' });
  out.backward(tensor(wave(out.size, 5), [...out.shape]));
  return {
    out: out.toFloat32Array(),
    gradInput: x.grad!.toFloat32Array(),
    gradInProj: mha.inProjWeight!.grad!.toFloat32Array(),
    gradOutProj: mha.outProj.weight.grad!.toFloat32Array(),
  };
}

function expectClose(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length).toBe(want.length);
  const scale = Math.max(...Array.from(want, Math.abs));
  let worst = 0;
  got.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - want[i]!))));
  expect(worst, `${what}: max |got - want| ${worst} against max |want| ${scale}`).toBeLessThanOrEqual(1e-5 * scale);
}

describe('packed self-attention', () => {
  // 37 positions: partial edge tiles; 130: more rows than one packed block of the GEMM engine
  // (120); 260: a causal P too large to pack whole, which takes the full products; 1: one key.
  const cases: [string, number, number, number, number, boolean][] = [
    ['batch first, 37 positions, 3 heads', 2, 37, 24, 3, true],
    ['sequence first, 37 positions, 3 heads', 2, 37, 24, 3, false],
    ['batch first, 130 positions, 2 heads of 4', 1, 130, 8, 2, true],
    ['sequence first, 5 positions, 4 heads of 2', 3, 5, 8, 4, false],
    ['batch first, 260 positions, 2 heads of 2', 1, 260, 4, 2, true],
    ['batch first, 1 position, 2 heads of 3', 2, 1, 6, 2, true],
  ];
  for (const [name, batch, length, embed, heads, batchFirst] of cases) {
    for (const isCausal of [true, false]) {
      it(`${name}${isCausal ? ', causal' : ''}: the same values and gradients as the op-by-op paths`, () => {
        manualSeed(3);
        const mha = new nn.MultiheadAttention(embed, heads, { batchFirst });
        const shape = batchFirst ? [batch, length, embed] : [length, batch, embed];
        const packed = run(mha, shape, 'packed', isCausal);
        for (const path of ['weights', 'separate'] as const) {
          const other = run(mha, shape, path, isCausal);
          expectClose(packed.out, other.out, `${path}: output`);
          expectClose(packed.gradInput, other.gradInput, `${path}: grad input`);
          expectClose(packed.gradInProj, other.gradInProj, `${path}: grad in_proj_weight`);
          expectClose(packed.gradOutProj, other.gradOutProj, `${path}: grad out_proj.weight`);
        }
        mha.dispose();
      });
    }
  }

  it('a later position never changes an earlier output under the causal cut, and does without it', () => {
    manualSeed(4);
    const mha = new nn.MultiheadAttention(8, 2, { batchFirst: true });
    const values = wave(1 * 20 * 8, 1);
    const changed = values.slice();
    for (let i = 19 * 8; i < 20 * 8; i++) changed[i] = changed[i]! + 1;
    const outputs = (isCausal: boolean): Float32Array[] =>
      [values, changed].map((v) => mha.forward(tensor(v, [1, 20, 8]), tensor(v, [1, 20, 8]), tensor(v, [1, 20, 8]), { isCausal, needWeights: false })[0].toFloat32Array());
    const [causalBefore, causalAfter] = outputs(true);
    expect(Array.from(causalAfter!.slice(0, 19 * 8))).toEqual(Array.from(causalBefore!.slice(0, 19 * 8)));
    const [fullBefore, fullAfter] = outputs(false);
    expect(fullAfter!.slice(0, 8).some((v, i) => v !== fullBefore![i])).toBe(true);
    mha.dispose();
  });

  it('gradients match finite differences', () => {
    manualSeed(5);
    for (const batchFirst of [true, false]) {
      for (const isCausal of [true, false]) {
        const mha = new nn.MultiheadAttention(4, 2, { batchFirst });
        const self = (x: Tensor): Tensor => mha.forward(x, x, x, { isCausal, needWeights: false })[0];
        expectGradientsMatchFiniteDifferences(self, [{ shape: [2, 5, 4], data: wave(40, 7) }], { step: 1e-2, tolerance: 1e-2 });
        mha.dispose();
      }
    }
  });
});
