import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { io, optim, tensor, type Tensor } from 'simdgrad';
import { camelCaseOptions, readTorchFixture, OPTIMIZER_FIXTURES as FIXTURES, OPTIMIZER_FIXTURE_PARAMS as PARAMS } from '../helpers/torch-fixtures.js';

// Where scripts/check-torch-resume.py finds simdgrad's optimizer states, to continue them in PyTorch.
const WRITTEN = new URL('../../build/torch-resume/', import.meta.url);

type OptimizerClass = new (params: Tensor[], options: Record<string, unknown>) => optim.Optimizer;

describe("simdgrad's optimizer state after 4 steps, written for PyTorch to take step 5", () => {
  mkdirSync(WRITTEN, { recursive: true });
  for (const name of FIXTURES) {
    it(`${name}: the file decodes to the state dict it was written from`, () => {
      const { tensors, metadata } = readTorchFixture(`optim-${name}.safetensors`);
      const Optimizer = (optim as unknown as Record<string, OptimizerClass>)[metadata.optimizer!]!;
      const params = PARAMS.map((key) => tensor(tensors.get(`initial.${key}`)!.data, tensors.get(`initial.${key}`)!.shape, { requiresGrad: true }));
      const optimizer = new Optimizer(params, camelCaseOptions(JSON.parse(metadata.options!) as Record<string, unknown>));
      for (let step = 1; step <= 4; step++) {
        params.forEach((p, i) => (p.grad = tensor(tensors.get(`grad${step}.${PARAMS[i]}`)!.data, p.shape)));
        optimizer.step();
      }
      const dict = optimizer.stateDict({ format: 'torch' });
      const bytes = io.encodeTorchOptimizerState(dict);
      writeFileSync(new URL(`${name}-state.safetensors`, WRITTEN), bytes);
      expect(io.decodeTorchOptimizerState(bytes)).toEqual(dict);
      optimizer.dispose();
    });
  }
});
