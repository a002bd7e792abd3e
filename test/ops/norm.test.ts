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

// Float64 layer/batch normalization of `groups` (each a list of values), with upstream gradient
// `upstream` laid out the same way: out = (x - mean) / sqrt(var + eps) and
// gradIn = invStd * (g - mean(g) - xhat * mean(g * xhat)), computed two-pass.
function normalizeInFloat64(groups: number[][], upstream: number[][], eps: number): { out: number[][]; grad: number[][]; variance: number[] } {
  const out: number[][] = [];
  const grad: number[][] = [];
  const variance: number[] = [];
  groups.forEach((values, k) => {
    const n = values.length;
    const mean = values.reduce((s, v) => s + v, 0) / n;
    const v = values.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    const invStd = 1 / Math.sqrt(v + eps);
    const xhat = values.map((x) => (x - mean) * invStd);
    const g = upstream[k]!;
    const meanG = g.reduce((s, x) => s + x, 0) / n;
    const meanGXhat = g.reduce((s, x, i) => s + x * xhat[i]!, 0) / n;
    out.push(xhat);
    grad.push(g.map((x, i) => invStd * (x - meanG - xhat[i]! * meanGXhat)));
    variance.push(v);
  });
  return { out, grad, variance };
}

function expectWithinRelative(got: ArrayLike<number>, want: number[], rtol: number, label: string): void {
  const scale = Math.max(...want.map(Math.abs));
  const worst = Math.max(...want.map((w, i) => Math.abs(got[i]! - w)));
  expect(worst / scale, label).toBeLessThanOrEqual(rtol);
}

// A row whose first value is far from the others: the case where a one-pass variance,
// E[(x - x0)^2] - E[x - x0]^2, loses about 5e-4 of the output to cancellation in float32.
// The float32 values are taken back to float64 before the reference computes with them.
const farFirstRow = Array.from(Float32Array.from({ length: 784 }, (_, i) => (i === 0 ? 0 : 10 + Math.sin(i))));
const rowUpstream = Array.from(Float32Array.from({ length: 784 }, (_, i) => Math.cos(0.37 * i)));

describe('normalization is as accurate as a two-pass float64 variance', () => {
  it('has the reference itself agree with torch.nn.functional.layer_norm in float64', () => {
    // From PyTorch 1.13: layer_norm in float64 of the same float32 row and upstream, out[0..1] and grad[0..1].
    const { out, grad } = normalizeInFloat64([farFirstRow], [rowUpstream], 1e-5);
    expect(out[0]![0]).toBeCloseTo(-12.615965246848988, 10);
    expect(out[0]![1]).toBeCloseTo(1.0768776936960809, 10);
    expect(grad[0]![0]).toBeCloseTo(1.0445008078344347, 10);
    expect(grad[0]![1]).toBeCloseTo(1.1916840851913069, 10);
  });

  it('layerNorm of a row with a far first value is within 1e-6 of float64, forward and backward', () => {
    const want = normalizeInFloat64([farFirstRow], [rowUpstream], 1e-5);
    const x = tensor(farFirstRow, [1, 784], { requiresGrad: true });
    const out = F.layerNorm(x, 784);
    out.backward(tensor(rowUpstream, [1, 784]));
    expectWithinRelative(out.toFloat32Array(), want.out[0]!, 1e-6, 'output');
    expectWithinRelative(x.grad!.toFloat32Array(), want.grad[0]!, 1e-6, 'input gradient');
  });

  it('batchNorm in training on [N, C, H, W] planes is within 1e-6 of float64, with the running variance', () => {
    // Two samples of [1, 28, 14] planes: the channel's values are the row, split across the batch.
    const x = tensor(farFirstRow, [2, 1, 28, 14], { requiresGrad: true });
    const runningVar = ones([1]);
    const out = F.batchNorm(x, zeros([1]), runningVar, { training: true, momentum: 1 });
    out.backward(tensor(rowUpstream, [2, 1, 28, 14]));
    const want = normalizeInFloat64([farFirstRow], [rowUpstream], 1e-5);
    expectWithinRelative(out.toFloat32Array(), want.out[0]!, 1e-6, 'output');
    expectWithinRelative(x.grad!.toFloat32Array(), want.grad[0]!, 1e-6, 'input gradient');
    expectWithinRelative(runningVar.toFloat32Array(), [(want.variance[0]! * 784) / 783], 1e-6, 'running variance');
  });

  it('batchNorm in training on [N, C] columns is within 1e-6 of float64, with the running variance', () => {
    // Five channels (a vector of four and a tail of one), each the row shifted and scaled.
    const channels = [0, 1, 2, 3, 4].map((c) => Array.from(Float32Array.from(farFirstRow, (v) => v * (1 + c) + 100 * c)));
    const grads = [0, 1, 2, 3, 4].map((c) => rowUpstream.map((g, i) => rowUpstream[(i + 97 * c) % 784]! + g));
    const byRow = (columns: number[][]): number[] => Array.from({ length: 784 * 5 }, (_, k) => columns[k % 5]![Math.floor(k / 5)]!);
    const x = tensor(byRow(channels), [784, 5], { requiresGrad: true });
    const runningVar = ones([5]);
    const out = F.batchNorm(x, zeros([5]), runningVar, { training: true, momentum: 1 });
    out.backward(tensor(byRow(grads), [784, 5]));
    const want = normalizeInFloat64(channels, grads, 1e-5);
    expectWithinRelative(out.toFloat32Array(), byRow(want.out), 1e-6, 'output');
    expectWithinRelative(x.grad!.toFloat32Array(), byRow(want.grad), 1e-6, 'input gradient');
    const runningWant = want.variance.map((v) => (v * 784) / 783);
    runningWant.forEach((v, c) => expect(Math.abs(runningVar.toFloat32Array()[c]! - v) / v, `running variance ${c}`).toBeLessThanOrEqual(1e-6));
  });
});
