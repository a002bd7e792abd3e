import { describe, expect, it } from 'vitest';
import { io, nn, noGrad, tensor, tidy } from 'simdgrad';
import { readTorchFixture, torchFixtureBytes } from '../helpers/torch-fixtures.js';
import { maxAbs, maxAbsDifference } from '../helpers/compare.js';

// The same models as scripts/make-torch-fixtures.py builds in PyTorch, whose state dicts and
// float64 outputs it wrote to test/fixtures-torch.
const MODELS: Record<string, () => nn.Module> = {
  mlp: () => new nn.Sequential(new nn.Linear(64, 32), new nn.ReLU(), new nn.Linear(32, 16), new nn.ReLU(), new nn.Linear(16, 10)),
  lenet: () =>
    new nn.Sequential(
      new nn.Conv2d(1, 8, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(8, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Flatten(), new nn.Linear(400, 120), new nn.ReLU(), new nn.Linear(120, 10),
    ),
  // Its num_batches_tracked is I64 in PyTorch's file: this one needs decodeSafetensors to read I64.
  'batchnorm-cnn': () =>
    new nn.Sequential(
      new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(8, 16, 3), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1),
      new nn.Flatten(), new nn.Linear(16, 10),
    ),
};

describe("models load PyTorch's safetensors weights and give PyTorch's outputs (fixtures made by PyTorch 1.13)", () => {
  for (const [name, build] of Object.entries(MODELS)) {
    it(`${name}: eval-mode output within 1e-5 of max|output| of PyTorch's float64 output`, () => {
      const model = build();
      const { tensors } = io.decodeSafetensors(torchFixtureBytes(`${name}.safetensors`));
      expect(model.loadStateDict(tensors)).toEqual({ missingKeys: [], unexpectedKeys: [] });
      model.eval();
      const io_ = readTorchFixture(`${name}-io.safetensors`).tensors;
      const input = io_.get('input')!;
      const want = io_.get('output')!;
      const got = noGrad(() => tidy(() => model.forward(tensor(input.data, input.shape)).toFloat32Array()));
      expect(maxAbsDifference(got, want.data)).toBeLessThanOrEqual(1e-5 * maxAbs(want.data));
      model.dispose();
    });
  }
});
