// Running an exported model in onnxruntime-node beside simdgrad, for the interop tests.
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { noGrad, randn, tidy, type nn, type Tensor } from 'simdgrad';
import { maxAbs, maxAbsDifference } from './compare.js';

/** Where scripts/check-onnx.py finds the exported models to run onnx.checker on. */
export const EXPORTED = new URL('../../build/onnx/', import.meta.url);

export function simdgradOutput(model: nn.Module, input: Tensor): { data: Float32Array; shape: number[] } {
  return noGrad(() => tidy(() => {
    const out = model.forward(input);
    return { data: out.toFloat32Array(), shape: [...out.shape] };
  }));
}

/** onnxruntime's output for random inputs of each shape is within 1e-5 of max|output| of simdgrad's. */
export async function expectSameOutputs(model: nn.Module, bytes: Uint8Array, shapes: number[][]): Promise<void> {
  const session = await ort.InferenceSession.create(bytes);
  expect([session.inputNames, session.outputNames]).toEqual([['input'], ['output']]);
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
