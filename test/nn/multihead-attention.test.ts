import { describe, expect, it } from 'vitest';
import { F, memory, nn, tensor, tidy, type Tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases, type FixtureCase } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';

function wave(shape: number[], seed: number): { shape: number[]; data: number[] } {
  const length = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Array.from(Float32Array.from({ length }, (_, i) => Math.sin(1.37 * i + seed) * 0.8)) };
}

const PARAMETERS = ['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias'];

function fromCase(c: FixtureCase): nn.MultiheadAttention {
  const p = c.params as { embed_dim: number; num_heads: number; batch_first: boolean };
  const mha = new nn.MultiheadAttention(p.embed_dim, p.num_heads, { batchFirst: p.batch_first });
  mha.loadStateDict(Object.fromEntries(PARAMETERS.map((name) => [name, fromFixture(c.inputs[name]!)])));
  return mha;
}

function causalMask(length: number): Tensor {
  return tensor(Array.from({ length: length * length }, (_, at) => (at % length > Math.floor(at / length) ? -Infinity : 0)), [length, length]);
}

describe('nn.MultiheadAttention matches the golden fixtures', () => {
  for (const c of loadCases('attention', 'nn.MultiheadAttention')) {
    for (const how of ['attnMask', 'isCausal'] as const) {
      if (how === 'isCausal' && c.params.attn_mask !== 'causal') continue;
      it(`${c.name} (${c.params.attn_mask === 'causal' ? `causal as ${how}` : 'no mask'})`, () => {
        const mha = fromCase(c);
        const query = fromFixture(c.inputs.query!, true);
        const selfAttention = c.inputs.key!.data.every((x, i) => x === c.inputs.query!.data[i]) && c.inputs.key!.shape.join() === c.inputs.query!.shape.join();
        const key = selfAttention ? query : fromFixture(c.inputs.key!, true);
        const value = selfAttention ? query : fromFixture(c.inputs.value!, true);
        const causal = c.params.attn_mask === 'causal';
        const options = causal ? (how === 'isCausal' ? { isCausal: true } : { attnMask: causalMask(query.shape[1]!) }) : {};
        const [out, weights] = mha.forward(query, key, value, { ...options, needWeights: false });
        expect(weights).toBeNull();
        expectCloseToFixture(out, c.output, 'output');
        out.backward(fromFixture(c.inputs.upstream!));
        if (selfAttention) {
          const sum = ['query', 'key', 'value'].map((n) => c.grads[n]!.data).reduce((a, b) => a.map((x, i) => x + b[i]!));
          expectCloseToFixture(query.grad, { shape: c.grads.query!.shape, data: sum }, 'grad query (= key = value)');
        } else {
          expectCloseToFixture(query.grad, c.grads.query!, 'grad query');
          expectCloseToFixture(key.grad, c.grads.key!, 'grad key');
          expectCloseToFixture(value.grad, c.grads.value!, 'grad value');
        }
        const grads = Object.fromEntries(mha.namedParameters().map(([name, p]) => [name, p.grad]));
        for (const name of PARAMETERS) expectCloseToFixture(grads[name], c.grads[name]!, `grad ${name}`);
      });
    }
  }
});

describe('nn.MultiheadAttention', () => {
  it("has PyTorch's parameters, state-dict names and initialisation", () => {
    const mha = new nn.MultiheadAttention(8, 2);
    expect(mha.namedParameters().map(([n, p]) => `${n} ${p.shape.join('x')}`)).toEqual(['in_proj_weight 24x8', 'in_proj_bias 24', 'out_proj.weight 8x8', 'out_proj.bias 8']);
    const w = mha.inProjWeight!.toFloat32Array();
    const bound = Math.sqrt(6 / (24 + 8));
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(bound * 0.8);
    expect(Array.from(mha.inProjBias!.toFloat32Array())).toEqual(new Array(24).fill(0));
    expect(Array.from(mha.outProj.bias!.toFloat32Array())).toEqual(new Array(8).fill(0));
    const kv = new nn.MultiheadAttention(8, 2, { kdim: 5, vdim: 3, bias: false });
    expect(kv.namedParameters().map(([n, p]) => `${n} ${p.shape.join('x')}`)).toEqual(['q_proj_weight 8x8', 'k_proj_weight 8x5', 'v_proj_weight 8x3', 'out_proj.weight 8x8']);
  });

  it('returns the attention weights (averaged over heads by default) and the same output as the fused path', () => {
    const mha = new nn.MultiheadAttention(6, 3);
    const x = tensor(wave([4, 2, 6], 1).data, [4, 2, 6]);
    const [fused] = mha.forward(x, x, x, { needWeights: false, isCausal: true });
    const [out, weights] = mha.forward(x, x, x, { isCausal: true });
    const [, perHead] = mha.forward(x, x, x, { isCausal: true, averageAttnWeights: false });
    expect(out.shape).toEqual([4, 2, 6]);
    expect(weights!.shape).toEqual([2, 4, 4]);
    expect(perHead!.shape).toEqual([2, 3, 4, 4]);
    const a = fused.toFloat32Array();
    out.toFloat32Array().forEach((v, i) => expect(v).toBeCloseTo(a[i]!, 5));
    const w = weights!.toArray() as number[][][];
    for (const sample of w) {
      sample.forEach((row, i) => {
        expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
        row.forEach((v, j) => (j > i ? expect(v).toBe(0) : expect(v).toBeGreaterThan(0)));
      });
    }
  });

  it('ignores padded keys: a bool keyPaddingMask equals an additive one and changes nothing the padding could reach', () => {
    const mha = new nn.MultiheadAttention(4, 2, { batchFirst: true });
    const x = tensor(wave([2, 3, 4], 2).data, [2, 3, 4]);
    const padding = tensor([[0, 0, 1], [0, 0, 0]]);
    const [withBool] = mha.forward(x, x, x, { keyPaddingMask: padding, boolMasks: true, needWeights: false });
    const [withAdditive, weights] = mha.forward(x, x, x, { keyPaddingMask: tensor([[0, 0, -Infinity], [0, 0, 0]]) });
    const a = withBool.toFloat32Array();
    withAdditive.toFloat32Array().forEach((v, i) => expect(v).toBeCloseTo(a[i]!, 5));
    const w = weights!.toArray() as number[][][];
    expect(w[0]!.map((row) => row[2])).toEqual([0, 0, 0]);
    expect(w[1]!.every((row) => row[2]! > 0)).toBe(true);
    const [changed] = mha.forward(x, x, tensor(x.toFloat32Array().map((v, i) => (i >= 8 && i < 12 ? v + 5 : v)), [2, 3, 4]), { keyPaddingMask: padding, boolMasks: true, needWeights: false });
    expect(Array.from(changed.toFloat32Array().slice(0, 12))).toEqual(Array.from(a.slice(0, 12)));
  });

  it('takes a bool attnMask (1 = may not attend) per head, as PyTorch', () => {
    const mha = new nn.MultiheadAttention(4, 2);
    const x = tensor(wave([3, 1, 4], 3).data, [3, 1, 4]);
    const blocked = tensor([0, 1, 1, 0, 0, 1, 0, 0, 0, /* head 2 */ 0, 0, 0, 1, 0, 0, 1, 1, 0], [2, 3, 3]);
    const [, w] = mha.forward(x, x, x, { attnMask: blocked, boolMasks: true, averageAttnWeights: false });
    const weights = Array.from(w!.toFloat32Array());
    weights.forEach((v, i) => (blocked.toFloat32Array()[i] ? expect(v).toBe(0) : expect(v).toBeGreaterThan(0)));
  });

  it('takes one unbatched sequence ([L, E]) as a batch of one, in either layout', () => {
    for (const batchFirst of [false, true]) {
      const mha = new nn.MultiheadAttention(4, 2, { batchFirst });
      const x = tensor(wave([3, 4], 6).data, [3, 4]);
      const batched = x.reshape(batchFirst ? [1, 3, 4] : [3, 1, 4]);
      const padding = tensor([0, 0, 1]);
      const [out, weights] = mha.forward(x, x, x, { keyPaddingMask: padding, boolMasks: true, isCausal: true });
      const [want, wantWeights] = mha.forward(batched, batched, batched, { keyPaddingMask: padding.reshape([1, 3]), boolMasks: true, isCausal: true });
      expect(out.shape).toEqual([3, 4]);
      expect(weights!.shape).toEqual([3, 3]);
      expect(Array.from(out.toFloat32Array())).toEqual(Array.from(want.toFloat32Array()));
      expect(Array.from(weights!.toFloat32Array())).toEqual(Array.from(wantWeights!.toFloat32Array()));
    }
    const mha = new nn.MultiheadAttention(4, 2);
    const x = tensor(wave([3, 4], 6).data, [3, 4]);
    const batchedKey = tensor(wave([3, 1, 4], 7).data, [3, 1, 4]);
    expect(() => mha.forward(x, batchedKey, batchedKey)).toThrow(/query \[3, 4\] is one unbatched sequence, so key and value must be 2-D too, got \[3, 1, 4\]/);
  });

  it('refuses inputs of the wrong layout and masks of the wrong shape, before allocating', () => {
    const mha = new nn.MultiheadAttention(4, 2, { batchFirst: true });
    const x = tensor(wave([2, 3, 4], 2).data, [2, 3, 4]);
    const [flat, row] = [tensor([1, 2, 3, 4]), tensor([[0, 0]])];
    const before = memory();
    expect(() => mha.forward(flat, x, x)).toThrow(/simdgrad: MultiheadAttention: query must be \[batch, seq, features\] with 4 features, got \[4\]/);
    expect(() => mha.forward(x, x, x, { attnMask: row })).toThrow(/attnMask must be \[3, 3\] or \[4, 3, 3\]/);
    expect(() => mha.forward(x, x, x, { keyPaddingMask: row })).toThrow(/keyPaddingMask must be \[2, 3\]/);
    expect(() => new nn.MultiheadAttention(6, 4)).toThrow(/embedDim \(6\) must be divisible by numHeads \(4\)/);
    expect(memory().tensors).toBe(before.tensors);
  });

  it('leaves only its outputs behind', () => {
    const mha = new nn.MultiheadAttention(4, 2, { dropout: 0.5 });
    const x = tensor(wave([3, 2, 4], 4).data, [3, 2, 4], { requiresGrad: true });
    const before = memory().tensors;
    tidy(() => {
      const [out, w] = mha.forward(x, x, x, { isCausal: true, keyPaddingMask: tensor([[0, 0, 1], [0, 0, 0]]), boolMasks: true });
      out.sum().add(w!.sum()).backward();
    });
    x.grad!.dispose();
    x.grad = null;
    mha.zeroGrad();
    expect(memory().tensors).toBe(before);
  });
});

describe('nn.MultiheadAttention gradients match finite differences', () => {
  it('cross-attention with kdim and vdim, an additive mask, and the weights returned', () => {
    const mha = new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 5, batchFirst: true });
    const mask = tensor(wave([2, 3], 5).data, [2, 3]);
    expectGradientsMatchFiniteDifferences(
      (q, k, v) => {
        const [out, w] = mha.forward(q!, k!, v!, { attnMask: mask });
        return F.linear(w!.reshape([-1, 3]), tensor(wave([4, 3], 6).data, [4, 3])).reshape([2, 2, 4]).add(out);
      },
      [wave([2, 2, 4], 7), wave([2, 3, 3], 8), wave([2, 3, 5], 9)],
    );
  });

  it('self-attention, sequence first, causal, through the packed projection', () => {
    const mha = new nn.MultiheadAttention(4, 2);
    expectGradientsMatchFiniteDifferences((x) => mha.forward(x!, x!, x!, { isCausal: true, needWeights: false })[0], [wave([3, 2, 4], 10)]);
  });
});
