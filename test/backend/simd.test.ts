import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simdInstructionCounts } from '../../scripts/simd-report.mjs';

// The hot loops must really be f32x4 code: a refactor that silently falls back to scalar
// loops would pass every value test and lose most of the speed.
const HOT_KERNELS = ['gemm', 'gemmBiasRelu', 'addForward', 'subForward', 'mulForward', 'divForward', 'axpy', 'affine', 'fill', 'sumAxisForward', 'sqrtForward',
  'batchNormForwardTraining', 'batchNormForwardEval', 'batchNormBackward', 'layerNormForward', 'layerNormBackward',
  'mseLossForward', 'crossEntropyForward', 'lossBackward', 'sgdStepTensors', 'adamStepTensors', 'rmspropStepTensors', 'adagradStepTensors', 'allFinite',
  'firstNonFiniteTensor', 'sumOfSquaresTensors',
  'conv2dForward', 'conv2dBackwardInput', 'conv2dBackwardWeight', 'conv2dBackwardBias', 'maxPool2dForward', 'maxPool2dBackward', 'avgPool2dForward',
  'avgPool2dBackward', 'adaptiveAvgPool2dForward', 'adaptiveAvgPool2dBackward',
  'stridedCopy', 'firstInvalidIndex', 'indexSelectForward', 'indexAddForward', 'oneHotForward', 'eqForward', 'neForward', 'ltForward', 'leForward',
  'gtForward', 'geForward', 'minimumForward', 'maximumForward', 'whereForward', 'fillWhere', 'zeroInfinite', 'absForward', 'absBackward',
  'clampForward', 'clampBackward', 'cumsumForward', 'triangleForward', 'extremumAxis'];

describe('compiled kernels', () => {
  const counts = simdInstructionCounts(readFileSync(new URL('../../build/simdgrad.wasm', import.meta.url)));

  for (const kernel of HOT_KERNELS) {
    it(`${kernel} uses v128 instructions`, () => {
      expect(counts.has(kernel), `${kernel} is not exported`).toBe(true);
      expect(counts.get(kernel)).toBeGreaterThan(0);
    });
  }
});
