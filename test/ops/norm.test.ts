import { describe, expect, it } from 'vitest';
import { F, memory, ones, tensor, tidy, zeros } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases, type FixtureTensor } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';

const wave = (shape: number[], phase = 0): { shape: number[]; data: number[] } => ({
  shape,
  data: Array.from({ length: shape.reduce((n, d) => n * d, 1) }, (_, i) => Math.sin(0.9 * i + phase) * 2 + 0.5),
});

describe('F.batchNorm matches the golden fixtures', () => {
  for (const c of loadCases('norm', 'batch_norm2d')) {
    it(c.name, () => {
      const input = fromFixture(c.inputs.input!, true);
      const weight = fromFixture(c.inputs.weight!, true);
      const bias = fromFixture(c.inputs.bias!, true);
      const runningMean = fromFixture(c.inputs.running_mean!);
      const runningVar = fromFixture(c.inputs.running_var!);
      const training = c.params.training as boolean;
      const out = F.batchNorm(input, runningMean, runningVar, {
        weight,
        bias,
        training,
        momentum: c.params.momentum as number,
        eps: c.params.eps as number,
      });
      expectCloseToFixture(out, c.output, 'output');
      if (training) {
        expectCloseToFixture(runningMean, c.extra!.running_mean as FixtureTensor, 'running_mean');
        expectCloseToFixture(runningVar, c.extra!.running_var as FixtureTensor, 'running_var');
      } else {
        expect(runningMean.toFloat32Array()).toEqual(Float32Array.from(c.inputs.running_mean!.data));
        expect(runningVar.toFloat32Array()).toEqual(Float32Array.from(c.inputs.running_var!.data));
      }
      out.backward(fromFixture(c.inputs.upstream!));
      expectCloseToFixture(input.grad, c.grads.input!, 'grad input');
      expectCloseToFixture(weight.grad, c.grads.weight!, 'grad weight');
      expectCloseToFixture(bias.grad, c.grads.bias!, 'grad bias');
    });
  }
});

describe('F.layerNorm matches the golden fixtures', () => {
  for (const c of loadCases('norm', 'layer_norm')) {
    it(c.name, () => {
      const input = fromFixture(c.inputs.input!, true);
      const weight = fromFixture(c.inputs.weight!, true);
      const bias = fromFixture(c.inputs.bias!, true);
      const out = F.layerNorm(input, c.params.normalized_shape as number[], { weight, bias, eps: c.params.eps as number });
      expectCloseToFixture(out, c.output, 'output');
      out.backward(fromFixture(c.inputs.upstream!));
      expectCloseToFixture(input.grad, c.grads.input!, 'grad input');
      expectCloseToFixture(weight.grad, c.grads.weight!, 'grad weight');
      expectCloseToFixture(bias.grad, c.grads.bias!, 'grad bias');
    });
  }
});

describe('F.batchNorm', () => {
  it('normalizes [N, C] per channel and moves the running statistics by momentum', () => {
    const x = tensor([[1, 2], [3, 6]]);
    const runningMean = zeros([2]);
    const runningVar = ones([2]);
    const out = F.batchNorm(x, runningMean, runningVar, { training: true, momentum: 0.5, eps: 0 });
    expect(out.toArray()).toEqual([[-1, -1], [1, 1]]);
    // batch mean [2, 4]; unbiased batch variance [2, 8]
    expect(runningMean.toArray()).toEqual([1, 2]);
    expect(runningVar.toArray()).toEqual([1.5, 4.5]);
  });

  it('normalizes with the running statistics in eval mode and leaves them unchanged', () => {
    const x = tensor([[[1, 3]], [[5, 7]]]);
    const runningMean = tensor([3]);
    const runningVar = tensor([4]);
    const out = F.batchNorm(x, runningMean, runningVar, { weight: tensor([2]), bias: tensor([1]), eps: 0 });
    expect(out.toArray()).toEqual([[[-1, 1]], [[3, 5]]]);
    expect(runningMean.toArray()).toEqual([3]);
    expect(runningVar.toArray()).toEqual([4]);
  });

  it('uses only the batch statistics when training without running statistics', () => {
    const out = F.batchNorm(tensor([[2], [4]]), null, null, { training: true, eps: 0 });
    expect(out.toArray()).toEqual([[-1], [1]]);
  });

  it('has gradients that match finite differences in training mode on [N, C, H, W]', () => {
    expectGradientsMatchFiniteDifferences(
      (x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }),
      [wave([2, 3, 2, 3]), wave([3], 1), wave([3], 2)],
    );
  });

  it('has gradients that match finite differences in training mode on [N, C]', () => {
    expectGradientsMatchFiniteDifferences(
      (x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }),
      [wave([4, 6]), wave([6], 1), wave([6], 2)],
    );
  });

  it('has gradients that match finite differences in training mode on [N, C, L] and without affine', () => {
    expectGradientsMatchFiniteDifferences((x) => F.batchNorm(x, null, null, { training: true }), [wave([3, 2, 5])]);
  });

  it('has gradients that match finite differences in eval mode', () => {
    const runningMean = tensor([0.2, -0.3]);
    const runningVar = tensor([1.5, 0.7]);
    expectGradientsMatchFiniteDifferences(
      (x, w, b) => F.batchNorm(x, runningMean, runningVar, { weight: w, bias: b }),
      [wave([2, 2, 5]), wave([2], 1), wave([2], 2)],
    );
  });

  it('frees its saved statistics after backward', () => {
    const before = memory().tensors;
    tidy(() => {
      const x = tensor(wave([2, 3, 4]).data, [2, 3, 4], { requiresGrad: true });
      F.batchNorm(x, zeros([3]), ones([3]), { weight: ones([3], { requiresGrad: true }), training: true }).sum().backward();
    });
    expect(memory().tensors).toBe(before);
  });

  it('refuses to train on one value per channel, as PyTorch does', () => {
    expect(() => F.batchNorm(tensor([[1, 2, 3]]), null, null, { training: true })).toThrow(
      /batchNorm: Expected more than 1 value per channel when training, got input of shape \[1, 3\]/,
    );
    expect(() => F.batchNorm(tensor([1, 2, 3], [1, 3, 1, 1]), zeros([3]), ones([3]), { training: true })).toThrow(/more than 1 value per channel/);
    expect(F.batchNorm(tensor([[1, 2, 3]]), zeros([3]), ones([3])).shape).toEqual([1, 3]);
  });

  it('says what is wrong with its arguments', () => {
    const x = tensor(wave([2, 3, 4]).data, [2, 3, 4]);
    expect(() => F.batchNorm(x, null, null)).toThrow(/batchNorm: eval mode \(training: false\) normalizes with runningMean and runningVar, but they are null/);
    expect(() => F.batchNorm(x, zeros([3]), null, { training: true })).toThrow(/batchNorm: got runningMean without runningVar/);
    expect(() => F.batchNorm(x, zeros([3]), ones([3]), { weight: ones([4]) })).toThrow(/batchNorm: weight has shape \[4\] but the input \[2, 3, 4\] has 3 channels; it must be \[3\]/);
    expect(() => F.batchNorm(x, zeros([2]), ones([3]))).toThrow(/batchNorm: runningMean has shape \[2\]/);
    expect(() => F.batchNorm(tensor([1, 2, 3]), null, null, { training: true })).toThrow(/batchNorm: input must be \[N, C, \.\.\.\] with at least 2 dimensions, got \[3\]/);
  });
});

describe('F.layerNorm', () => {
  it('normalizes each row without weight and bias', () => {
    const out = F.layerNorm(tensor([[1, 3], [10, 20]]), [2], { eps: 0 });
    expect(out.toArray()).toEqual([[-1, 1], [-1, 1]]);
  });

  it('has gradients that match finite differences over the last dimension', () => {
    expectGradientsMatchFiniteDifferences(
      (x, w, b) => F.layerNorm(x, [6], { weight: w, bias: b }),
      [wave([3, 6]), wave([6], 1), wave([6], 2)],
    );
  });

  it('has gradients that match finite differences over the last two dimensions', () => {
    expectGradientsMatchFiniteDifferences(
      (x, w, b) => F.layerNorm(x, [2, 5], { weight: w, bias: b }),
      [wave([2, 2, 5]), wave([2, 5], 1), wave([2, 5], 2)],
    );
  });

  it('has input gradients that match finite differences without weight and bias', () => {
    expectGradientsMatchFiniteDifferences((x) => F.layerNorm(x, 9), [wave([2, 9])]);
  });

  it('says when normalizedShape or the affine shapes do not fit the input', () => {
    const x = tensor(wave([4, 5]).data, [4, 5]);
    expect(() => F.layerNorm(x, [6])).toThrow(/layerNorm: normalizedShape \[6\] must equal the input's last dimensions: expected input of shape \[\*, 6\], got \[4, 5\]/);
    expect(() => F.layerNorm(x, [2, 4, 5])).toThrow(/expected input of shape \[\*, 2, 4, 5\], got \[4, 5\]/);
    expect(() => F.layerNorm(x, [5], { weight: ones([4]) })).toThrow(/layerNorm: weight has shape \[4\] but normalizedShape is \[5\]/);
    expect(() => F.layerNorm(x, [5], { bias: ones([1, 5]) })).toThrow(/layerNorm: bias has shape \[1, 5\] but normalizedShape is \[5\]/);
    expect(() => F.layerNorm(x, [])).toThrow(/layerNorm: normalizedShape is empty/);
  });
});
