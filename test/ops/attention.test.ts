import { describe, expect, it } from 'vitest';
import { F, manualSeed, matmul, memory, tensor, tidy, transpose, triu, full, type Tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';

function wave(shape: number[], seed: number): { shape: number[]; data: number[] } {
  const length = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Array.from(Float32Array.from({ length }, (_, i) => Math.sin(1.37 * i + seed) * 1.2)) };
}

// softmax(q kᵀ·scale + mask) v from the general ops: the definition the fused op must agree with.
function composed(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, scale = 1 / Math.sqrt(q.shape[q.ndim - 1]!)): Tensor {
  const scores = matmul(q, transpose(k, -2, -1)).mul(scale);
  return matmul(F.softmax(mask ? scores.add(mask) : scores, -1), v);
}

describe('F.scaledDotProductAttention matches the golden fixtures', () => {
  for (const c of loadCases('attention', 'scaled_dot_product_attention')) {
    it(c.name, () => {
      const [q, k, v] = ['query', 'key', 'value'].map((name) => fromFixture(c.inputs[name]!, true)) as [Tensor, Tensor, Tensor];
      const out = F.scaledDotProductAttention(q, k, v, { isCausal: c.params.is_causal as boolean });
      expectCloseToFixture(out, c.output, 'output');
      out.backward(fromFixture(c.inputs.upstream!));
      expectCloseToFixture(q.grad, c.grads.query!, 'grad query');
      expectCloseToFixture(k.grad, c.grads.key!, 'grad key');
      expectCloseToFixture(v.grad, c.grads.value!, 'grad value');
    });
  }
});

describe('F.scaledDotProductAttention', () => {
  it('weights the values by softmax(q·k / √E): two keys, one twice as aligned', () => {
    const q = tensor([[[2, 0]]]);
    const k = tensor([[[1, 0], [0, 1]]]);
    const v = tensor([[[10, 0], [0, 10]]]);
    const w = Math.exp(2 / Math.SQRT2) / (Math.exp(2 / Math.SQRT2) + 1);
    const out = F.scaledDotProductAttention(q, k, v).toFloat32Array();
    expect(out[0]).toBeCloseTo(10 * w, 5);
    expect(out[1]).toBeCloseTo(10 * (1 - w), 5);
  });

  it('agrees with the composed ops for an additive mask broadcast over heads, and a 0/1 bool mask', () => {
    const q = tensor(wave([2, 3, 4, 5], 1).data, [2, 3, 4, 5]);
    const k = tensor(wave([2, 3, 6, 5], 2).data, [2, 3, 6, 5]);
    const v = tensor(wave([2, 3, 6, 3], 3).data, [2, 3, 6, 3]);
    const additive = tensor(wave([2, 1, 4, 6], 4).data, [2, 1, 4, 6]);
    const fused = F.scaledDotProductAttention(q, k, v, { attnMask: additive, scale: 0.3 }).toFloat32Array();
    const reference = composed(q, k, v, additive, 0.3).toFloat32Array();
    fused.forEach((x, i) => expect(x).toBeCloseTo(reference[i]!, 5));
    // keep = 1 where (i + j) is odd or j == 0, so every query sees at least one key
    const keepValues = Array.from({ length: 24 }, (_, at) => ((Math.floor(at / 6) + (at % 6)) % 2 === 1 || at % 6 === 0 ? 1 : 0));
    const keep = tensor(keepValues, [4, 6]);
    const asAdditive = tensor(keepValues.map((x) => (x ? 0 : -Infinity)), [4, 6]);
    const withBool = F.scaledDotProductAttention(q, k, v, { attnMask: keep, boolMask: true }).toFloat32Array();
    const withAdditive = composed(q, k, v, asAdditive).toFloat32Array();
    withBool.forEach((x, i) => expect(x).toBeCloseTo(withAdditive[i]!, 5));
  });

  it('isCausal equals an additive mask of -Infinity above the diagonal, also with L < S', () => {
    const q = tensor(wave([2, 3, 4], 5).data, [2, 3, 4]);
    const k = tensor(wave([2, 5, 4], 6).data, [2, 5, 4]);
    const v = tensor(wave([2, 5, 2], 7).data, [2, 5, 2]);
    const causal = triu(full([3, 5], -Infinity), 1);
    const fused = F.scaledDotProductAttention(q, k, v, { isCausal: true }).toFloat32Array();
    const reference = composed(q, k, v, causal).toFloat32Array();
    fused.forEach((x, i) => expect(x).toBeCloseTo(reference[i]!, 5));
  });

  it('gives NaN for a query whose keys are all masked out, as PyTorch', () => {
    const q = tensor(wave([1, 2, 2], 1).data, [1, 2, 2]);
    const out = F.scaledDotProductAttention(q, q, q, { attnMask: tensor([[1, 1], [0, 0]]), boolMask: true }).toFloat32Array();
    expect(Number.isNaN(out[0])).toBe(false);
    expect(Number.isNaN(out[2])).toBe(true);
  });

  it('gives NaN for every position of a query row that meets a NaN score, as PyTorch', () => {
    const keys = tensor(wave([1, 6, 4], 2).data, [1, 6, 4]);
    const queries = wave([1, 2, 4], 3).data;
    queries[5] = NaN;
    const out = F.scaledDotProductAttention(tensor(queries, [1, 2, 4]), keys, keys).toFloat32Array();
    expect(Array.from(out.slice(0, 4), Number.isNaN)).toEqual([false, false, false, false]);
    expect(Array.from(out.slice(4), Number.isNaN)).toEqual([true, true, true, true]);
  });

  it('drops attention weights exactly as F.dropout on the probabilities under the same seed', () => {
    const q = tensor(wave([2, 5, 4], 8).data, [2, 5, 4]);
    const k = tensor(wave([2, 5, 4], 9).data, [2, 5, 4]);
    const v = tensor(wave([2, 5, 3], 10).data, [2, 5, 3]);
    manualSeed(7);
    const fused = F.scaledDotProductAttention(q, k, v, { dropoutP: 0.4 }).toFloat32Array();
    manualSeed(7);
    const probs = F.softmax(matmul(q, transpose(k, -2, -1)).mul(0.5), -1);
    const reference = matmul(F.dropout(probs, { p: 0.4 }), v).toFloat32Array();
    fused.forEach((x, i) => expect(x).toBeCloseTo(reference[i]!, 5));
    expect(Array.from(F.scaledDotProductAttention(q, k, v, { dropoutP: 1 }).toFloat32Array())).toEqual(new Array(30).fill(0));
  });

  it('refuses mismatched shapes, a mask that does not broadcast, and attnMask with isCausal', () => {
    const q = tensor(wave([2, 3, 4], 1).data, [2, 3, 4]);
    expect(() => F.scaledDotProductAttention(q, tensor(wave([2, 3, 5], 1).data, [2, 3, 5]), q)).toThrow(/simdgrad: scaledDotProductAttention: query \[2, 3, 4\], key \[2, 3, 5\]/);
    expect(() => F.scaledDotProductAttention(q, q, q, { attnMask: full([2, 2], 0) })).toThrow(/attnMask \[2, 2\] does not broadcast to the scores' shape \[2, 3, 3\]/);
    expect(() => F.scaledDotProductAttention(q, q, q, { attnMask: full([3, 3], 0), isCausal: true })).toThrow(/pass attnMask or isCausal, not both/);
  });

  it('frees everything but its output, and its graph after backward', () => {
    const q = tensor(wave([2, 4, 4], 1).data, [2, 4, 4], { requiresGrad: true });
    const before = memory().tensors;
    tidy(() => {
      F.scaledDotProductAttention(q, q, q, { attnMask: full([4, 4], 0.5, { requiresGrad: true }), dropoutP: 0.2 }).sum().backward();
    });
    q.grad!.dispose();
    q.grad = null;
    expect(memory().tensors).toBe(before);
  });
});

describe('F.scaledDotProductAttention gradients match finite differences', () => {
  it('4-D, no mask, L != S, Ev != E', () => {
    expectGradientsMatchFiniteDifferences((q, k, v) => F.scaledDotProductAttention(q!, k!, v!), [wave([1, 2, 3, 4], 1), wave([1, 2, 5, 4], 2), wave([1, 2, 5, 3], 3)]);
  });

  it('causal, with a scale', () => {
    expectGradientsMatchFiniteDifferences((q, k, v) => F.scaledDotProductAttention(q!, k!, v!, { isCausal: true, scale: 0.7 }), [wave([2, 4, 3], 4), wave([2, 4, 3], 5), wave([2, 4, 2], 6)]);
  });

  it('an additive mask that needs a gradient, broadcast over the batch', () => {
    expectGradientsMatchFiniteDifferences((q, k, v, m) => F.scaledDotProductAttention(q!, k!, v!, { attnMask: m! }), [wave([2, 3, 3], 7), wave([2, 4, 3], 8), wave([2, 4, 2], 9), wave([3, 4], 10)]);
  });

  it('a 0/1 bool mask', () => {
    const keep = tensor([1, 0, 1, 1, 1, 1, 0, 1, 0, 0, 1, 0], [3, 4]);
    expectGradientsMatchFiniteDifferences((q, k, v) => F.scaledDotProductAttention(q!, k!, v!, { attnMask: keep, boolMask: true }), [wave([2, 3, 3], 11), wave([2, 4, 3], 12), wave([2, 4, 2], 13)]);
  });

  it('with dropout (the same mask for every evaluation under one seed)', () => {
    expectGradientsMatchFiniteDifferences(
      (q, k, v) => {
        manualSeed(3);
        return F.scaledDotProductAttention(q!, k!, v!, { dropoutP: 0.3 });
      },
      [wave([2, 3, 3], 14), wave([2, 4, 3], 15), wave([2, 4, 2], 16)],
    );
  });
});
