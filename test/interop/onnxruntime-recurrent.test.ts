import { mkdirSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { exportOnnx, manualSeed, nn, noGrad, randn, tidy, type Tensor } from 'simdgrad';
import { maxAbs, maxAbsDifference } from '../helpers/compare.js';
import { SequenceTagger } from '../helpers/recurrent-models.js';

// Where scripts/check-onnx.py finds the exported models to run onnx.checker on.
const EXPORTED = new URL('../../build/onnx/', import.meta.url);

function simdgradOutput(model: nn.Module, input: Tensor): { data: Float32Array; shape: number[] } {
  return noGrad(() => tidy(() => {
    const out = model.forward(input);
    return { data: out.toFloat32Array(), shape: [...out.shape] };
  }));
}

async function expectSameOutputs(model: nn.Module, bytes: Uint8Array, shapes: number[][]): Promise<void> {
  const session = await ort.InferenceSession.create(bytes);
  for (const shape of shapes) {
    const input = randn(shape);
    const want = simdgradOutput(model, input);
    const results = await session.run({ input: new ort.Tensor('float32', input.toFloat32Array(), shape) });
    input.dispose();
    const got = results.output!;
    expect(got.dims).toEqual(want.shape);
    expect(maxAbs(want.data)).toBeGreaterThan(0);
    expect(maxAbsDifference(got.data as Float32Array, want.data)).toBeLessThanOrEqual(1e-5 * maxAbs(want.data));
  }
  await session.release();
}

// PyTorch's gate order reordered to ONNX's (LSTM i,f,g,o -> i,o,f,c; GRU r,z,n -> z,r,h) shows in
// every output: a wrong block would change them all.
const CASES: { name: string; build: () => nn.Module; inputShape: number[]; dynamicBatch: boolean }[] = [
  { name: 'lstm-2-layers-batch-first', build: () => new SequenceTagger(new nn.LSTM(5, 8, { numLayers: 2, batchFirst: true }), 3), inputShape: [2, 7, 5], dynamicBatch: true },
  { name: 'gru-2-layers-batch-first', build: () => new SequenceTagger(new nn.GRU(5, 6, { numLayers: 2, batchFirst: true }), 3), inputShape: [3, 4, 5], dynamicBatch: true },
  { name: 'rnn-relu-batch-first', build: () => new SequenceTagger(new nn.RNN(5, 6, { nonlinearity: 'relu', batchFirst: true }), 3), inputShape: [2, 6, 5], dynamicBatch: true },
  { name: 'rnn-tanh-no-bias-time-major', build: () => new SequenceTagger(new nn.RNN(5, 7, { bias: false, numLayers: 2 }), 3), inputShape: [6, 2, 5], dynamicBatch: false },
  { name: 'lstm-time-major', build: () => new SequenceTagger(new nn.LSTM(5, 4), 3), inputShape: [6, 3, 5], dynamicBatch: false },
];

describe('onnxruntime-node runs exported RNN, LSTM and GRU models and gets simdgrad’s outputs', () => {
  mkdirSync(EXPORTED, { recursive: true });
  for (const { name, build, inputShape, dynamicBatch } of CASES) {
    const shapes = dynamicBatch ? [inputShape, [inputShape[0]! + 3, ...inputShape.slice(1)]] : [inputShape];
    it(`${name}: ${shapes.map((s) => `[${s.join(', ')}]`).join(' and ')} match within 1e-5 of max|output|`, async () => {
      manualSeed(7);
      const model = build();
      const bytes = exportOnnx(model, { inputShape, dynamicBatch });
      writeFileSync(new URL(`${name}.onnx`, EXPORTED), bytes);
      await expectSameOutputs(model, bytes, shapes);
      model.dispose();
    });
  }
});
