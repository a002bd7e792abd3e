import { describe, expect, it } from 'vitest';
import { F, manualSeed, nn, tensor, type Tensor } from 'simdgrad';

function wave(shape: number[], phase = 0, scale = 1.5): Tensor {
  const size = shape.reduce((n, d) => n * d, 1);
  return tensor(Float32Array.from({ length: size }, (_, i) => Math.sin(0.9 * i + phase) * scale + phase), shape);
}

interface ChannelStats {
  mean: number[];
  /** Divided by n, as the normalization uses. */
  biasedVar: number[];
  /** Divided by n - 1, as the running variance uses. */
  unbiasedVar: number[];
}

// Per-channel statistics of an [N, C, ...] tensor, in float64.
function channelStats(x: Tensor): ChannelStats {
  const [batch, channels] = x.shape as [number, number];
  const spatial = x.size / (batch * channels);
  const values = x.toFloat32Array();
  const stats: ChannelStats = { mean: [], biasedVar: [], unbiasedVar: [] };
  for (let c = 0; c < channels; c++) {
    const xs: number[] = [];
    for (let n = 0; n < batch; n++) for (let s = 0; s < spatial; s++) xs.push(values[(n * channels + c) * spatial + s]!);
    const mean = xs.reduce((a, v) => a + v, 0) / xs.length;
    const squares = xs.reduce((a, v) => a + (v - mean) ** 2, 0);
    stats.mean.push(mean);
    stats.biasedVar.push(squares / xs.length);
    stats.unbiasedVar.push(squares / (xs.length - 1));
  }
  return stats;
}

// y = (x - mean) / sqrt(var + eps) * weight + bias, per channel of [N, C, ...], in float64.
function normalized(x: Tensor, mean: number[], variance: number[], weight: number[], bias: number[], eps = 1e-5): number[] {
  const [batch, channels] = x.shape as [number, number];
  const spatial = x.size / (batch * channels);
  return Array.from(x.toFloat32Array(), (v, i) => {
    const c = Math.floor(i / spatial) % channels;
    return ((v - mean[c]!) / Math.sqrt(variance[c]! + eps)) * weight[c]! + bias[c]!;
  });
}

function expectAllClose(got: Tensor | Float32Array, want: number[], digits = 5): void {
  const values = Array.from(got instanceof Float32Array ? got : got.toFloat32Array());
  expect(values.length).toBe(want.length);
  values.forEach((v, i) => expect(v, `index ${i}`).toBeCloseTo(want[i]!, digits));
}

const weight = [2, 0.5];
const bias = [1, -1];

function batchNorm2dWithAffine(options: nn.BatchNormOptions = {}): nn.BatchNorm2d {
  const bn = new nn.BatchNorm2d(2, options);
  bn.loadStateDict({ weight: { shape: [2], data: weight }, bias: { shape: [2], data: bias } }, { strict: false });
  return bn;
}

describe('nn.BatchNorm2d', () => {
  it('starts with weight 1, bias 0, running mean 0, running variance 1 and no batches tracked', () => {
    const bn = new nn.BatchNorm2d(3);
    expect(bn.namedParameters().map(([name, p]) => [name, p.toArray()])).toEqual([['weight', [1, 1, 1]], ['bias', [0, 0, 0]]]);
    expect(bn.namedBuffers().map(([name, b]) => [name, [...b.shape], b.toArray()])).toEqual([
      ['running_mean', [3], [0, 0, 0]],
      ['running_var', [3], [1, 1, 1]],
      ['num_batches_tracked', [], 0],
    ]);
    expect([...bn.stateDict().keys()]).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
  });

  it('in training normalizes with the batch statistics and moves the running ones by momentum, step after step', () => {
    const bn = batchNorm2dWithAffine();
    const first = wave([3, 2, 2, 3], 0);
    const second = wave([3, 2, 2, 3], 1, 3);
    const s1 = channelStats(first);
    const s2 = channelStats(second);

    expectAllClose(bn.forward(first), normalized(first, s1.mean, s1.biasedVar, weight, bias));
    expectAllClose(bn.runningMean!, s1.mean.map((m) => 0.1 * m));
    expectAllClose(bn.runningVar!, s1.unbiasedVar.map((v) => 0.9 * 1 + 0.1 * v));
    expect(bn.numBatchesTracked!.item()).toBe(1);

    expectAllClose(bn.forward(second), normalized(second, s2.mean, s2.biasedVar, weight, bias));
    expectAllClose(bn.runningMean!, s1.mean.map((m, c) => 0.9 * (0.1 * m) + 0.1 * s2.mean[c]!));
    expectAllClose(bn.runningVar!, s1.unbiasedVar.map((v, c) => 0.9 * (0.9 + 0.1 * v) + 0.1 * s2.unbiasedVar[c]!));
    expect(bn.numBatchesTracked!.item()).toBe(2);
  });

  it('counts batches exactly past 2^24, where a float32 count would stop, and saves the count as int64 like PyTorch', () => {
    const bn = new nn.BatchNorm2d(2);
    const state = bn.stateDict();
    expect(state.get('num_batches_tracked')).toEqual({ shape: [], data: Float32Array.of(0), dtype: 'I64', integers: BigInt64Array.of(0n) });
    state.set('num_batches_tracked', { shape: [], data: Float32Array.of(2 ** 24), dtype: 'I64', integers: BigInt64Array.of(2n ** 24n) });
    bn.loadStateDict(state);
    bn.forward(wave([2, 2, 2, 2]));
    bn.forward(wave([2, 2, 2, 2], 1));
    // As float32, 2^24 + 1 rounds back to 2^24: the tensor shows the nearest float32, the state dict the count.
    expect(bn.numBatchesTracked!.item()).toBe(2 ** 24 + 2);
    expect(bn.stateDict().get('num_batches_tracked')!.integers).toEqual(BigInt64Array.of(2n ** 24n + 2n));

    bn.loadStateDict({ ...Object.fromEntries(bn.stateDict()), num_batches_tracked: { shape: [], data: [7] } });
    expect(bn.stateDict().get('num_batches_tracked')!.integers).toEqual(BigInt64Array.of(7n));
    bn.resetRunningStats();
    expect(bn.stateDict().get('num_batches_tracked')!.integers).toEqual(BigInt64Array.of(0n));
  });

  it('in eval mode normalizes with the running statistics and leaves them and the count unchanged', () => {
    const bn = batchNorm2dWithAffine({ momentum: 0.5 });
    bn.forward(wave([2, 2, 3, 3], 0.3, 2));
    bn.eval();
    const runningMean = [...bn.runningMean!.toFloat32Array()];
    const runningVar = [...bn.runningVar!.toFloat32Array()];
    const x = wave([2, 2, 3, 3], 2);
    expectAllClose(bn.forward(x), normalized(x, runningMean, runningVar, weight, bias));
    expect([...bn.runningMean!.toFloat32Array()]).toEqual(runningMean);
    expect([...bn.runningVar!.toFloat32Array()]).toEqual(runningVar);
    expect(bn.numBatchesTracked!.item()).toBe(1);
  });

  it('computes F.batchNorm with its own parameters and buffers, in both modes', () => {
    const bn = batchNorm2dWithAffine({ momentum: 0.2, eps: 1e-3 });
    const x = wave([2, 2, 3, 4], 0.5);
    const runningMean = tensor(bn.runningMean!.toFloat32Array());
    const runningVar = tensor(bn.runningVar!.toFloat32Array());
    const options = { weight: bn.weight, bias: bn.bias, momentum: 0.2, eps: 1e-3 };
    expect(bn.forward(x).toFloat32Array()).toEqual(F.batchNorm(x, runningMean, runningVar, { ...options, training: true }).toFloat32Array());
    expect(bn.runningMean!.toFloat32Array()).toEqual(runningMean.toFloat32Array());
    expect(bn.runningVar!.toFloat32Array()).toEqual(runningVar.toFloat32Array());
    bn.eval();
    expect(bn.forward(x).toFloat32Array()).toEqual(F.batchNorm(x, runningMean, runningVar, options).toFloat32Array());
  });

  it('with momentum null keeps the plain average of all batch statistics', () => {
    const bn = new nn.BatchNorm2d(2, { momentum: null });
    const batches = [wave([2, 2, 2, 2], 0), wave([2, 2, 2, 2], 1, 2), wave([2, 2, 2, 2], 2, 0.5)];
    const stats = batches.map((x) => channelStats(x));
    for (const x of batches) bn.forward(x);
    expectAllClose(bn.runningMean!, [0, 1].map((c) => stats.reduce((a, s) => a + s.mean[c]!, 0) / 3));
    expectAllClose(bn.runningVar!, [0, 1].map((c) => stats.reduce((a, s) => a + s.unbiasedVar[c]!, 0) / 3));
    expect(bn.numBatchesTracked!.item()).toBe(3);
  });

  it('gives weight and bias gradients', () => {
    const bn = new nn.BatchNorm2d(2);
    const x = wave([2, 2, 3, 3]);
    bn.forward(x).mul(x).sum().backward();
    // d/d(bias) of sum(y * x) is the sum of x per channel.
    const s = channelStats(x);
    expectAllClose(bn.bias!.grad!, s.mean.map((m) => m * 18), 4);
    // d/d(weight) is sum(x_hat * x) = n * biased variance / sqrt(var + eps).
    expectAllClose(bn.weight!.grad!, s.biasedVar.map((v) => (18 * v) / Math.sqrt(v + 1e-5)), 4);
  });

  it('without running statistics uses the batch statistics in eval mode too', () => {
    const bn = new nn.BatchNorm2d(2, { trackRunningStats: false });
    expect(bn.buffers()).toEqual([]);
    expect(bn.runningMean).toBeNull();
    expect([...bn.stateDict().keys()]).toEqual(['weight', 'bias']);
    const x = wave([2, 2, 2, 2], 1);
    const trained = bn.forward(x).toFloat32Array();
    expect(bn.eval().forward(x).toFloat32Array()).toEqual(trained);
    const s = channelStats(x);
    expectAllClose(trained, normalized(x, s.mean, s.biasedVar, [1, 1], [0, 0]));
  });

  it('without affine has no parameters', () => {
    const bn = new nn.BatchNorm2d(2, { affine: false });
    expect(bn.parameters()).toEqual([]);
    expect(bn.weight).toBeNull();
    expect([...bn.stateDict().keys()]).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    const x = wave([2, 2, 2, 2]);
    const s = channelStats(x);
    expectAllClose(bn.forward(x), normalized(x, s.mean, s.biasedVar, [1, 1], [0, 0]));
  });

  it('resetRunningStats() and resetParameters() restore the initial state', () => {
    const bn = batchNorm2dWithAffine();
    bn.forward(wave([2, 2, 2, 2], 1));
    bn.resetRunningStats();
    expect([bn.runningMean!.toArray(), bn.runningVar!.toArray(), bn.numBatchesTracked!.item()]).toEqual([[0, 0], [1, 1], 0]);
    expect(bn.weight!.toArray()).toEqual(weight);
    bn.resetParameters();
    expect([bn.weight!.toArray(), bn.bias!.toArray()]).toEqual([[1, 1], [0, 0]]);
  });

  it('prints its settings as PyTorch does', () => {
    expect(new nn.BatchNorm2d(16).toString()).toBe('BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
    expect(new nn.BatchNorm2d(8, { eps: 1e-3, momentum: null, affine: false, trackRunningStats: false }).toString()).toBe(
      'BatchNorm2d(8, eps=0.001, momentum=None, affine=False, track_running_stats=False)',
    );
    expect(new nn.BatchNorm2d(4, { eps: 0, momentum: 1 }).toString()).toBe('BatchNorm2d(4, eps=0.0, momentum=1.0, affine=True, track_running_stats=True)');
    expect(new nn.BatchNorm1d(4, { eps: 1e-4, momentum: 0.01 }).toString()).toBe('BatchNorm1d(4, eps=0.0001, momentum=0.01, affine=True, track_running_stats=True)');
    expect(new nn.BatchNorm1d(4, { eps: 2.5e-7 }).toString()).toBe('BatchNorm1d(4, eps=2.5e-07, momentum=0.1, affine=True, track_running_stats=True)');
  });

  it('refuses input that is not 4-D or has another channel count', () => {
    const bn = new nn.BatchNorm2d(16);
    expect(() => bn.forward(wave([2, 16, 5]))).toThrow('simdgrad: BatchNorm2d(16): expected a 4-D input [N, C, H, W]; use BatchNorm1d for [N, C] or [N, C, L], got [2, 16, 5].');
    expect(() => bn.forward(wave([2, 3, 4, 4]))).toThrow('simdgrad: BatchNorm2d(16): expected input with 16 channels (dimension 1), got [2, 3, 4, 4]; build the layer with numFeatures 3 or check the layer before it.');
  });

  it('refuses one value per channel in training without counting the batch', () => {
    const bn = new nn.BatchNorm2d(2);
    expect(() => bn.forward(wave([1, 2, 1, 1]))).toThrow(/Expected more than 1 value per channel when training, got input of shape \[1, 2, 1, 1\]/);
    expect(bn.numBatchesTracked!.item()).toBe(0);
    expect(bn.eval().forward(wave([1, 2, 1, 1])).shape).toEqual([1, 2, 1, 1]);
  });

  it('refuses bad settings when built', () => {
    expect(() => new nn.BatchNorm2d(0)).toThrow(/BatchNorm2d: numFeatures must be a positive integer \(the number of channels C\), got 0/);
    expect(() => new nn.BatchNorm2d(4, { momentum: 1.5 })).toThrow(/BatchNorm2d: momentum must be a number in \[0, 1\] or null \(a cumulative average\), got 1\.5/);
    expect(() => new nn.BatchNorm2d(4, { eps: -1 })).toThrow(/BatchNorm2d: eps must be a finite number >= 0, got -1/);
  });
});

describe('nn.BatchNorm1d', () => {
  it('normalizes [N, C] and [N, C, L] input per channel, as F.batchNorm', () => {
    for (const shape of [[5, 3], [4, 3, 6]]) {
      const bn = new nn.BatchNorm1d(3);
      const x = wave(shape, 0.2);
      const runningMean = tensor([0, 0, 0]);
      const runningVar = tensor([1, 1, 1]);
      expect(bn.forward(x).toFloat32Array()).toEqual(F.batchNorm(x, runningMean, runningVar, { weight: bn.weight, bias: bn.bias, training: true }).toFloat32Array());
      expect(bn.runningMean!.toFloat32Array()).toEqual(runningMean.toFloat32Array());
      expect(bn.runningVar!.toFloat32Array()).toEqual(runningVar.toFloat32Array());
      expect(bn.numBatchesTracked!.item()).toBe(1);
    }
  });

  it('refuses 4-D input and prints like PyTorch', () => {
    const bn = new nn.BatchNorm1d(3);
    expect(() => bn.forward(wave([2, 3, 2, 2]))).toThrow('simdgrad: BatchNorm1d(3): expected a 2-D input [N, C] or a 3-D input [N, C, L], got [2, 3, 2, 2].');
    expect(() => bn.forward(wave([2, 4]))).toThrow(/BatchNorm1d\(3\): expected input with 3 channels \(dimension 1\), got \[2, 4\]/);
    expect(bn.toString()).toBe('BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
  });
});

describe('nn.LayerNorm', () => {
  it('normalizes each sample over the last dimensions, as F.layerNorm with its own parameters', () => {
    const norm = new nn.LayerNorm([3, 4], { eps: 1e-3 });
    expect(norm.namedParameters().map(([name, p]) => [name, [...p.shape]])).toEqual([['weight', [3, 4]], ['bias', [3, 4]]]);
    norm.loadStateDict({ weight: { shape: [3, 4], data: Array.from({ length: 12 }, (_, i) => 1 + i / 10) }, bias: { shape: [3, 4], data: Array.from({ length: 12 }, (_, i) => -i / 20) } });
    const x = wave([2, 5, 3, 4]);
    expect(norm.forward(x).toFloat32Array()).toEqual(F.layerNorm(x, [3, 4], { weight: norm.weight, bias: norm.bias, eps: 1e-3 }).toFloat32Array());
  });

  it('gives each row mean 0 and variance 1 with the initial parameters, in training and eval alike', () => {
    const norm = new nn.LayerNorm(4);
    const rows = [[1, 2, 3, 6], [-2, 0, 0, 2]];
    const want = rows.flatMap((row) => {
      const mean = row.reduce((a, v) => a + v, 0) / row.length;
      const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / row.length;
      return row.map((v) => (v - mean) / Math.sqrt(variance + 1e-5));
    });
    const trained = norm.forward(tensor(rows));
    expectAllClose(trained, want);
    expect(norm.eval().forward(tensor(rows)).toFloat32Array()).toEqual(trained.toFloat32Array());
  });

  it('without elementwise affine has no parameters', () => {
    const norm = new nn.LayerNorm(3, { elementwiseAffine: false });
    expect(norm.parameters()).toEqual([]);
    const x = wave([2, 3]);
    expect(norm.forward(x).toFloat32Array()).toEqual(F.layerNorm(x, 3).toFloat32Array());
  });

  it('with bias: false learns only the weight, as PyTorch 2.1', () => {
    const norm = new nn.LayerNorm(3, { bias: false });
    expect(norm.namedParameters().map(([name]) => name)).toEqual(['weight']);
    expect(norm.bias).toBeNull();
    const x = wave([2, 3]);
    expect(norm.forward(x).toFloat32Array()).toEqual(F.layerNorm(x, 3, { weight: norm.weight }).toFloat32Array());
  });

  it('gives weight and bias gradients', () => {
    const norm = new nn.LayerNorm(3);
    norm.forward(tensor([[1, 2, 4], [0, 3, 3]])).sum().backward();
    expect(norm.bias!.grad!.toArray()).toEqual([2, 2, 2]);
    expect(norm.weight!.grad!.shape).toEqual([3]);
  });

  it('prints its settings as PyTorch does', () => {
    expect(new nn.LayerNorm(10).toString()).toBe('LayerNorm((10,), eps=1e-05, elementwise_affine=True)');
    expect(new nn.LayerNorm([3, 4], { eps: 1e-6, elementwiseAffine: false }).toString()).toBe('LayerNorm((3, 4), eps=1e-06, elementwise_affine=False)');
  });

  it('refuses a bad normalized shape when built, and input whose last dimensions differ', () => {
    expect(() => new nn.LayerNorm([])).toThrow(/LayerNorm: normalizedShape must be a positive integer or a non-empty list of them \(the trailing dimensions to normalize over\), got \[\]/);
    expect(() => new nn.LayerNorm([3, 0])).toThrow(/got \[3,0\]/);
    expect(() => new nn.LayerNorm(4, { eps: Number.NaN })).toThrow(/LayerNorm: eps must be a finite number >= 0, got NaN/);
    expect(() => new nn.LayerNorm(4).forward(wave([2, 5]))).toThrow(/layerNorm: normalizedShape \[4\] must equal the input's last dimensions: expected input of shape \[\*, 4\], got \[2, 5\]/);
  });
});

describe('a small CNN with batch normalization', () => {
  const cnn = (): nn.Sequential =>
    new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(4 * 3 * 3, 3));

  it("names its parameters and buffers in the state dict as PyTorch does", () => {
    const state = cnn().stateDict();
    expect([...state].map(([name, entry]) => [name, [...entry.shape]])).toEqual([
      ['0.weight', [4, 1, 3, 3]],
      ['0.bias', [4]],
      ['1.weight', [4]],
      ['1.bias', [4]],
      ['1.running_mean', [4]],
      ['1.running_var', [4]],
      ['1.num_batches_tracked', []],
      ['5.weight', [3, 36]],
      ['5.bias', [3]],
    ]);
  });

  it('round-trips through stateDict / loadStateDict, running statistics included', () => {
    manualSeed(11);
    const source = cnn();
    source.forward(wave([4, 1, 6, 6], 0));
    source.forward(wave([4, 1, 6, 6], 1, 2));
    manualSeed(12);
    const target = cnn();
    expect(target.loadStateDict(source.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const bn = target.at(1) as nn.BatchNorm2d;
    expect(bn.numBatchesTracked!.item()).toBe(2);
    expect(bn.runningMean!.toFloat32Array()).toEqual((source.at(1) as nn.BatchNorm2d).runningMean!.toFloat32Array());
    const x = wave([2, 1, 6, 6], 3);
    expect(target.eval().forward(x).toFloat32Array()).toEqual(source.eval().forward(x).toFloat32Array());
  });
});
