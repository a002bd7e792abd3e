import { describe, expect, it } from 'vitest';
import { memory, nn, rand, tidy, type Tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases, type FixtureCase } from '../helpers/fixtures.js';

type Recurrent = nn.RNN | nn.LSTM | nn.GRU;

function build(c: FixtureCase): Recurrent {
  const p = c.params as { input_size: number; hidden_size: number; num_layers: number; bias: boolean; batch_first: boolean; nonlinearity?: 'tanh' | 'relu' };
  const options = { numLayers: p.num_layers, bias: p.bias, batchFirst: p.batch_first };
  if (c.op === 'nn.LSTM') return new nn.LSTM(p.input_size, p.hidden_size, options);
  if (c.op === 'nn.GRU') return new nn.GRU(p.input_size, p.hidden_size, options);
  return new nn.RNN(p.input_size, p.hidden_size, { ...options, nonlinearity: p.nonlinearity });
}

// Runs a fixture case: parameters loaded from the fixture by their state_dict names, then
// backward from sum(output·upstream) + sum(h_n·upstream_h_n) [+ sum(c_n·upstream_c_n)].
function checkCase(c: FixtureCase): void {
  const module = build(c);
  const names = module.namedParameters().map(([name]) => name);
  expect(names.sort()).toEqual(Object.keys(c.grads).filter((k) => !['input', 'h_0', 'c_0'].includes(k)).sort());
  module.loadStateDict(Object.fromEntries(names.map((name) => [name, fromFixture(c.inputs[name]!)])));
  const input = fromFixture(c.inputs.input!, true);
  const h0 = c.inputs.h_0 ? fromFixture(c.inputs.h_0, true) : undefined;
  const c0 = c.inputs.c_0 ? fromFixture(c.inputs.c_0, true) : undefined;
  let output: Tensor;
  let hN: Tensor;
  let cN: Tensor | undefined;
  if (module instanceof nn.LSTM) [output, [hN, cN]] = module.forward(input, h0 && c0 ? [h0, c0] : undefined);
  else [output, hN] = module.forward(input, h0);
  expectCloseToFixture(output, c.output, 'output');
  expectCloseToFixture(hN, c.extra!.h_n as never, 'h_n');
  if (cN) expectCloseToFixture(cN, c.extra!.c_n as never, 'c_n');
  let objective = output.mul(fromFixture(c.inputs.upstream!)).sum().add(hN.mul(fromFixture(c.inputs.upstream_h_n!)).sum());
  if (cN) objective = objective.add(cN.mul(fromFixture(c.inputs.upstream_c_n!)).sum());
  objective.backward();
  expectCloseToFixture(input.grad, c.grads.input!, 'grad input');
  if (h0) expectCloseToFixture(h0.grad, c.grads.h_0!, 'grad h_0');
  if (c0) expectCloseToFixture(c0.grad, c.grads.c_0!, 'grad c_0');
  for (const [name, p] of module.namedParameters()) expectCloseToFixture(p.grad, c.grads[name]!, `grad ${name}`);
}

for (const family of ['rnn', 'lstm', 'gru']) {
  describe(`nn.${family.toUpperCase()} matches the golden fixtures`, () => {
    for (const c of loadCases(family)) it(c.name, () => checkCase(c));
  });
}

describe('recurrent modules', () => {
  it('initialise every weight and bias from U(-1/sqrt(hidden), 1/sqrt(hidden)) under PyTorch\'s state_dict names', () => {
    const lstm = new nn.LSTM(3, 16, { numLayers: 2 });
    expect(lstm.namedParameters().map(([name, p]) => `${name} ${p.shape.join('x')}`)).toEqual([
      'weight_ih_l0 64x3', 'weight_hh_l0 64x16', 'bias_ih_l0 64', 'bias_hh_l0 64',
      'weight_ih_l1 64x16', 'weight_hh_l1 64x16', 'bias_ih_l1 64', 'bias_hh_l1 64',
    ]);
    const all = lstm.parameters().flatMap((p) => Array.from(p.toFloat32Array()));
    expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(0.25);
    expect(Math.max(...all)).toBeGreaterThan(0.2);
    expect(Math.min(...all)).toBeLessThan(-0.2);
    expect(new nn.GRU(2, 4, { bias: false }).namedParameters().map(([name, p]) => `${name} ${p.shape.join('x')}`)).toEqual(['weight_ih_l0 12x2', 'weight_hh_l0 12x4']);
    lstm.dispose();
  });

  it('print as PyTorch does', () => {
    expect(String(new nn.LSTM(64, 256, { batchFirst: true }))).toBe('LSTM(64, 256, batch_first=True)');
    // PyTorch's repr leaves the nonlinearity out.
    expect(String(new nn.RNN(2, 3, { numLayers: 2, nonlinearity: 'relu', dropout: 0.5 }))).toBe('RNN(2, 3, num_layers=2, dropout=0.5)');
    expect(String(new nn.GRU(2, 4, { bias: false }))).toBe('GRU(2, 4, bias=False)');
  });

  it('take unbatched [T, features] input as PyTorch, giving the batched result without the batch dimension', () => {
    const gru = new nn.GRU(3, 4, { numLayers: 2 });
    const x = rand([5, 3]);
    const h0 = rand([2, 4]);
    const [out, hN] = gru.forward(x, h0);
    const [batchedOut, batchedHN] = gru.forward(x.reshape([5, 1, 3]), h0.reshape([2, 1, 4]));
    expect(out.shape).toEqual([5, 4]);
    expect(hN.shape).toEqual([2, 4]);
    expect(Array.from(out.toFloat32Array())).toEqual(Array.from(batchedOut.toFloat32Array()));
    expect(Array.from(hN.toFloat32Array())).toEqual(Array.from(batchedHN.toFloat32Array()));
  });

  it('apply dropout between layers in training mode only', () => {
    const rnn = new nn.RNN(3, 8, { numLayers: 2, dropout: 0.5 });
    const x = rand([6, 2, 3]);
    rnn.eval();
    const a = rnn.forward(x)[0].toFloat32Array();
    const b = rnn.forward(x)[0].toFloat32Array();
    expect(Array.from(a)).toEqual(Array.from(b));
    rnn.train();
    const c = rnn.forward(x)[0].toFloat32Array();
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });

  it('refuse mismatched states and inputs with the expected shape', () => {
    const lstm = new nn.LSTM(3, 4, { batchFirst: true });
    expect(() => lstm.forward(rand([2, 5, 2]))).toThrow(/simdgrad: LSTM: input \[2, 5, 2\] must have inputSize 3 features/);
    expect(() => lstm.forward(rand([2, 5, 3]), [rand([1, 5, 4]), rand([1, 5, 4])])).toThrow(/simdgrad: LSTM: h0 must be \[1, 2, 4\]/);
    expect(() => new nn.RNN(3, 4, { nonlinearity: 'sigmoid' as never })).toThrow(/simdgrad: RNN: nonlinearity must be one of 'tanh', 'relu'/);
    expect(() => new nn.GRU(3, 4, { bidirectional: true })).toThrow(/simdgrad: GRU: bidirectional is not supported \(got true\)/);
    expect(() => new nn.LSTM(3, 4, { projSize: 2 })).toThrow(/simdgrad: LSTM: projSize is not supported \(got 2\)/);
  });

  it('run a layer wider than one packed GEMM block (4 x 257 gates > 1024 columns) as the float64 reference does', () => {
    const [features, hidden, steps] = [3, 257, 3];
    const lstm = new nn.LSTM(features, hidden);
    const x = rand([steps, 1, features], { low: -1, high: 1 });
    const [out] = lstm.forward(x);
    const [wIh, wHh, bIh, bHh] = lstm.parameters().map((p) => p.toFloat32Array());
    const xs = x.toFloat32Array();
    const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
    let h = new Float64Array(hidden);
    let c = new Float64Array(hidden);
    const want: number[] = [];
    for (let t = 0; t < steps; t++) {
      const pre = Array.from({ length: 4 * hidden }, (_, r) => {
        let sum = bIh![r]! + bHh![r]!;
        for (let f = 0; f < features; f++) sum += wIh![r * features + f]! * xs[t * features + f]!;
        for (let j = 0; j < hidden; j++) sum += wHh![r * hidden + j]! * h[j]!;
        return sum;
      });
      const gate = (g: number, j: number): number => pre[g * hidden + j]!;
      c = c.map((cj, j) => sigmoid(gate(1, j)) * cj + sigmoid(gate(0, j)) * Math.tanh(gate(2, j)));
      h = h.map((_, j) => sigmoid(gate(3, j)) * Math.tanh(c[j]!));
      want.push(...h);
    }
    const got = out.toFloat32Array();
    const worst = Math.max(...want.map((w, i) => Math.abs(got[i]! - w)));
    expect(worst).toBeLessThan(1e-5);
  });

  it('leave no tensors behind a training step beyond the gradients', () => {
    const lstm = new nn.LSTM(4, 6, { numLayers: 2, batchFirst: true });
    const step = (): void => {
      tidy(() => {
        const [out, [hN]] = lstm.forward(rand([3, 5, 4]));
        out.sum().add(hN.sum()).backward();
      });
    };
    step();
    const before = memory().tensors;
    for (let i = 0; i < 5; i++) step();
    expect(memory().tensors).toBe(before);
  });
});
