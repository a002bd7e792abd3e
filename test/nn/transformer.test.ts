import { describe, expect, it } from 'vitest';
import { F, add, arange, memory, nn, optim, tensor, tidy } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases, type FixtureCase } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';

function wave(shape: number[], seed: number): { shape: number[]; data: number[] } {
  const length = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Array.from(Float32Array.from({ length }, (_, i) => Math.sin(1.37 * i + seed) * 0.8)) };
}

function fromCase(c: FixtureCase): nn.TransformerEncoderLayer {
  const p = c.params as { d_model: number; nhead: number; dim_feedforward: number; dropout: number; activation: 'relu' | 'gelu'; layer_norm_eps: number; batch_first: boolean; norm_first: boolean };
  const layer = new nn.TransformerEncoderLayer(p.d_model, p.nhead, {
    dimFeedforward: p.dim_feedforward, dropout: p.dropout, activation: p.activation, layerNormEps: p.layer_norm_eps, batchFirst: p.batch_first, normFirst: p.norm_first,
  });
  const names = layer.namedParameters().map(([name]) => name);
  layer.loadStateDict(Object.fromEntries(names.map((name) => [name, fromFixture(c.inputs[name]!)])));
  return layer;
}

describe('nn.TransformerEncoderLayer matches the golden fixtures', () => {
  for (const c of loadCases('transformer_layer')) {
    it(c.name, () => {
      const layer = fromCase(c);
      const input = fromFixture(c.inputs.input!, true);
      const out = layer.forward(input, { isCausal: c.params.src_mask === 'causal' });
      expectCloseToFixture(out, c.output, 'output');
      out.backward(fromFixture(c.inputs.upstream!));
      expectCloseToFixture(input.grad, c.grads.input!, 'grad input');
      for (const [name, p] of layer.namedParameters()) expectCloseToFixture(p.grad, c.grads[name]!, `grad ${name}`);
    });
  }
});

describe('nn.TransformerEncoderLayer', () => {
  it("has PyTorch's state-dict names, in PyTorch's order", () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    expect([...layer.stateDict().keys()]).toEqual([
      'self_attn.in_proj_weight', 'self_attn.in_proj_bias', 'self_attn.out_proj.weight', 'self_attn.out_proj.bias',
      'linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias', 'norm1.weight', 'norm1.bias', 'norm2.weight', 'norm2.bias',
    ]);
    expect([...new nn.TransformerEncoderLayer(8, 2, { bias: false }).stateDict().keys()]).toEqual([
      'self_attn.in_proj_weight', 'self_attn.out_proj.weight', 'linear1.weight', 'linear2.weight', 'norm1.weight', 'norm2.weight',
    ]);
  });

  it('a causal srcMask and isCausal give the same result; padding a key changes what attends to it', () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 });
    const x = tensor(wave([4, 2, 8], 1).data, [4, 2, 8]);
    const causalMask = tensor(Array.from({ length: 16 }, (_, at) => (at % 4 > Math.floor(at / 4) ? 1 : 0)), [4, 4]);
    const a = layer.forward(x, { isCausal: true }).toFloat32Array();
    const b = layer.forward(x, { srcMask: causalMask, boolMasks: true }).toFloat32Array();
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));
    const padded = layer.forward(x, { srcKeyPaddingMask: tensor([[0, 0, 0, 1], [0, 0, 0, 0]]), boolMasks: true }).toFloat32Array();
    const plain = layer.forward(x).toFloat32Array();
    // position 0 of sample 0 is element 0..7; sample 1 (elements 8..15 of each step) sees no padding
    expect(padded.slice(0, 8).some((v, i) => Math.abs(v - plain[i]!) > 1e-4)).toBe(true);
    expect(Array.from(padded.slice(8, 16))).toEqual(Array.from(plain.slice(8, 16)));
  });

  it('takes one unbatched sequence ([L, dModel])', () => {
    const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0, batchFirst: true });
    const x = tensor(wave([3, 4], 8).data, [3, 4]);
    const out = layer.forward(x, { isCausal: true });
    expect(out.shape).toEqual([3, 4]);
    expect(Array.from(out.toFloat32Array())).toEqual(Array.from(layer.forward(x.reshape([1, 3, 4]), { isCausal: true }).toFloat32Array()));
  });

  it('drops out only in training mode', () => {
    const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0.5 });
    const x = tensor(wave([3, 1, 4], 2).data, [3, 1, 4]);
    layer.eval();
    expect(Array.from(layer.forward(x).toFloat32Array())).toEqual(Array.from(layer.forward(x).toFloat32Array()));
    layer.train();
    expect(Array.from(layer.forward(x).toFloat32Array())).not.toEqual(Array.from(layer.forward(x).toFloat32Array()));
  });

  it('gradients match finite differences (pre-norm, gelu, sequence first)', () => {
    const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, activation: 'gelu', normFirst: true });
    expectGradientsMatchFiniteDifferences((x) => layer.forward(x!, { isCausal: true }), [wave([3, 2, 4], 3)]);
  });
});

describe('nn.TransformerEncoder', () => {
  it('stacks copies of the layer (each its own parameters) under layers.N, then the norm', () => {
    const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0, batchFirst: true });
    const encoder = new nn.TransformerEncoder(layer, 2, { norm: new nn.LayerNorm(4) });
    const keys = [...encoder.stateDict().keys()];
    expect(keys.filter((k) => k.endsWith('in_proj_weight'))).toEqual(['layers.0.self_attn.in_proj_weight', 'layers.1.self_attn.in_proj_weight']);
    expect(keys.slice(-2)).toEqual(['norm.weight', 'norm.bias']);
    expect(encoder.layers[0]!.linear1.weight).not.toBe(encoder.layers[1]!.linear1.weight);
    expect(Array.from(encoder.layers[1]!.linear1.weight.toFloat32Array())).toEqual(Array.from(layer.linear1.weight.toFloat32Array()));
    const x = tensor(wave([2, 3, 4], 4).data, [2, 3, 4]);
    const byHand = encoder.norm!.forward(encoder.layers[1]!.forward(encoder.layers[0]!.forward(x, { isCausal: true }), { isCausal: true })) as ReturnType<typeof encoder.forward>;
    expect(Array.from(encoder.forward(x, { isCausal: true }).toFloat32Array())).toEqual(Array.from(byHand.toFloat32Array()));
  });

  it('a training step frees everything it made', () => {
    const encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, batchFirst: true }), 2);
    const x = tensor(wave([2, 3, 4], 5).data, [2, 3, 4]);
    const before = memory().tensors;
    tidy(() => encoder.forward(x, { isCausal: true }).sum().backward());
    encoder.zeroGrad();
    expect(memory().tensors).toBe(before);
  });
});

describe('a W6-like training loop (small sizes)', () => {
  it('keeps memory() flat over 300 AdamW steps run inside tidy', () => {
    const [vocab, context, dModel, batch] = [16, 8, 16, 4];
    const tokens = new nn.Embedding(vocab, dModel);
    const positions = new nn.Embedding(context, dModel);
    const layer = new nn.TransformerEncoderLayer(dModel, 2, { dimFeedforward: 32, dropout: 0.1, activation: 'gelu', batchFirst: true, normFirst: true });
    const encoder = new nn.TransformerEncoder(layer, 2);
    layer.dispose();
    const norm = new nn.LayerNorm(dModel);
    const head = new nn.Linear(dModel, vocab);
    const modules = [tokens, positions, encoder, norm, head];
    const optimizer = new optim.AdamW(modules.flatMap((m) => m.parameters()), { lr: 1e-3 });
    const ids = tensor(Array.from({ length: batch * context }, (_, i) => (i * 7 + 3) % vocab), [batch, context]);
    const targets = Array.from({ length: batch * context }, (_, i) => (i * 7 + 10) % vocab);
    const positionIds = arange(context);
    const step = (): number => tidy(() => {
      optimizer.zeroGrad();
      const h = encoder.forward(add(tokens.forward(ids), positions.forward(positionIds)), { isCausal: true });
      const loss = F.crossEntropy(head.forward(norm.forward(h)).reshape([-1, vocab]), targets);
      loss.backward();
      optimizer.step();
      return loss.item();
    });
    const first = step();
    const after = memory();
    let last = first;
    for (let i = 0; i < 300; i++) {
      last = step();
      if (i % 50 === 0) expect([memory().tensors, memory().bytes]).toEqual([after.tensors, after.bytes]);
    }
    expect([memory().tensors, memory().bytes]).toEqual([after.tensors, after.bytes]);
    expect(last).toBeLessThan(first / 2);
    optimizer.dispose();
    for (const m of modules) m.dispose();
    ids.dispose();
    positionIds.dispose();
  });
});
