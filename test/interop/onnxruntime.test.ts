import { mkdirSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { exportOnnx, manualSeed, noGrad, randn, tidy, type nn, type Tensor } from 'simdgrad';
import { EXPORT_CASES } from '../helpers/onnx-models.js';

// Where scripts/check-onnx.py finds the exported models to run onnx.checker on.
const EXPORTED = new URL('../../build/onnx/', import.meta.url);

function simdgradOutput(model: nn.Module, input: Tensor): { data: Float32Array; shape: number[] } {
  return noGrad(() => tidy(() => {
    const out = model.forward(input);
    return { data: out.toFloat32Array(), shape: [...out.shape] };
  }));
}



function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('onnxruntime-node runs exportOnnx() models and gets simdgrad’s outputs', () => {
  mkdirSync(EXPORTED, { recursive: true });
  for (const { name, build, inputShape } of EXPORT_CASES) {
    it(`${name}: the traced batch size (${inputShape[0]}) and another (${inputShape[0]! + 3}) match within 1e-5 of max|output|`, async () => {
      manualSeed(7);
      const model = build();
      model.eval();
      const bytes = exportOnnx(model, { inputShape });
      writeFileSync(new URL(`${name}.onnx`, EXPORTED), bytes);
      const session = await ort.InferenceSession.create(bytes);
      expect(session.inputNames).toEqual(['input']);
      expect(session.outputNames).toEqual(['output']);
      for (const batch of [inputShape[0]!, inputShape[0]! + 3]) {
        const shape = [batch, ...inputShape.slice(1)];
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
      model.dispose();
    });
  }
});
