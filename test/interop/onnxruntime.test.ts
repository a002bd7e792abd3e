import { mkdirSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { exportOnnx, manualSeed, nn, tensor } from 'simdgrad';
import { BeyondConvnets, EXPORT_CASES, EveryOp, ToolkitOps } from '../helpers/onnx-models.js';
import { EXPORTED, expectSameOutputs, simdgradOutput } from '../helpers/onnx-runtime.js';

describe('onnxruntime-node runs exportOnnx() models and gets simdgrad’s outputs', () => {
  mkdirSync(EXPORTED, { recursive: true });
  for (const { name, build, inputShape } of EXPORT_CASES) {
    it(`${name}: the traced batch size (${inputShape[0]}) and another (${inputShape[0]! + 3}) match within 1e-5 of max|output|`, async () => {
      manualSeed(7);
      const model = build();
      model.eval();
      const bytes = exportOnnx(model, { inputShape });
      writeFileSync(new URL(`${name}.onnx`, EXPORTED), bytes);
      await expectSameOutputs(model, bytes, [inputShape, [inputShape[0]! + 3, ...inputShape.slice(1)]]);
      model.dispose();
    });
  }
});

describe('onnxruntime-node runs the other opsets and a fixed batch size', () => {
  for (const opset of [13, 18]) {
    it(`every-op at opset ${opset} (reduction axes as attributes before 18, as inputs from 18)`, async () => {
      manualSeed(7);
      const model = new EveryOp();
      const bytes = exportOnnx(model, { inputShape: [2, 4, 10, 9], opset });
      writeFileSync(new URL(`every-op-opset${opset}.onnx`, EXPORTED), bytes);
      await expectSameOutputs(model, bytes, [[2, 4, 10, 9], [3, 4, 10, 9]]);
      model.dispose();
    });
  }

  for (const opset of [13, 16, 18]) {
    it(`toolkit at opset ${opset} (${opset < 14 ? 'tril/triu as Where on a mask, scatterAdd through OneHot' : opset < 18 ? 'Trilu, ScatterElements adding' : 'reduction axes as inputs'})`, async () => {
      manualSeed(7);
      const model = new ToolkitOps();
      const bytes = exportOnnx(model, { inputShape: [3, 4, 6], opset });
      writeFileSync(new URL(`toolkit-opset${opset}.onnx`, EXPORTED), bytes);
      await expectSameOutputs(model, bytes, [[3, 4, 6], [5, 4, 6]]);
      model.dispose();
    });
  }

  for (const opset of [13, 18]) {
    it(`beyond-convnets at opset ${opset} (HardSwish and Mish written out before the opsets that have them)`, async () => {
      manualSeed(7);
      const model = new BeyondConvnets();
      const bytes = exportOnnx(model, { inputShape: [2, 4, 6, 6], opset });
      writeFileSync(new URL(`beyond-convnets-opset${opset}.onnx`, EXPORTED), bytes);
      await expectSameOutputs(model, bytes, [[2, 4, 6, 6], [3, 4, 6, 6]]);
      model.dispose();
    });
  }

  it('an Embedding gathers the rows its float32 indices name, for any batch size', async () => {
    manualSeed(7);
    const model = new nn.Sequential(new nn.Embedding(10, 4, { paddingIdx: 0 }), new nn.Flatten());
    const bytes = exportOnnx(model, { inputShape: [2, 3] });
    writeFileSync(new URL('embedding.onnx', EXPORTED), bytes);
    const session = await ort.InferenceSession.create(bytes);
    for (const indices of [[[1, 9, 0], [4, 4, 7]], [[3, 2, 1], [0, 0, 5], [8, 6, 9]]]) {
      const input = tensor(indices);
      const want = simdgradOutput(model, input);
      const results = await session.run({ input: new ort.Tensor('float32', input.toFloat32Array(), [...input.shape]) });
      input.dispose();
      expect(results.output!.dims).toEqual(want.shape);
      expect(Array.from(results.output!.data as Float32Array)).toEqual(Array.from(want.data));
    }
    await session.release();
    model.dispose();
  });

  it('dynamicBatch: false runs at the traced batch size, and onnxruntime refuses another', async () => {
    manualSeed(7);
    const model = EXPORT_CASES[0]!.build();
    const bytes = exportOnnx(model, { inputShape: [4, 784], dynamicBatch: false });
    await expectSameOutputs(model, bytes, [[4, 784]]);
    const session = await ort.InferenceSession.create(bytes);
    await expect(session.run({ input: new ort.Tensor('float32', new Float32Array(2 * 784), [2, 784]) })).rejects.toThrow(/dimension|Got invalid dimensions/i);
    await session.release();
    model.dispose();
  });
});
