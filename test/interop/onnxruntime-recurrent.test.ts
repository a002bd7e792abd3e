import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportOnnx, manualSeed, nn } from 'simdgrad';
import { SequenceTagger } from '../helpers/recurrent-models.js';
import { EXPORTED, expectSameOutputs } from '../helpers/onnx-runtime.js';

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
