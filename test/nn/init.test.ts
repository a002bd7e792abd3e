import { describe, expect, it } from 'vitest';
import { manualSeed, nn, zeros } from 'simdgrad';

const { init } = nn;

function std(values: Float32Array): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
}

function expectStdWithin10Percent(values: Float32Array, expected: number): void {
  expect(Math.abs(std(values) / expected - 1)).toBeLessThan(0.1);
}

describe('nn.init', () => {
  it("computes PyTorch's gains", () => {
    expect(init.calculateGain('linear')).toBe(1);
    expect(init.calculateGain('conv2d')).toBe(1);
    expect(init.calculateGain('sigmoid')).toBe(1);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(init.calculateGain('leakyRelu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 12);
    expect(init.calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(() => init.calculateGain('swish' as never)).toThrow(/calculateGain: unsupported nonlinearity 'swish'/);
  });

  it('computes fans for Linear [out, in] and conv [out, in, kh, kw] weights', () => {
    expect(init.calculateFanInAndFanOut(zeros([10, 20]))).toEqual({ fanIn: 20, fanOut: 10 });
    expect(init.calculateFanInAndFanOut(zeros([16, 3, 5, 5]))).toEqual({ fanIn: 75, fanOut: 400 });
    expect(() => init.calculateFanInAndFanOut(zeros([5]))).toThrow(/fan in and fan out need a tensor with at least 2 dimensions, got shape \[5\]/);
  });

  it('xavier init has std gain·√(2/(fanIn+fanOut)) on a 256x256 weight', () => {
    const expected = Math.sqrt(2 / 512);
    const uniform = init.xavierUniform_(zeros([256, 256])).toFloat32Array();
    expectStdWithin10Percent(uniform, expected);
    expect(Math.max(...uniform.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 512));
    expectStdWithin10Percent(init.xavierNormal_(zeros([256, 256])).toFloat32Array(), expected);
    expectStdWithin10Percent(init.xavierNormal_(zeros([256, 256]), 5 / 3).toFloat32Array(), (5 / 3) * expected);
  });

  it('kaiming init has std gain/√fan on a 256x256 weight, and on a conv weight', () => {
    const reluStd = Math.SQRT2 / 16;
    expectStdWithin10Percent(init.kaimingUniform_(zeros([256, 256]), { nonlinearity: 'relu' }).toFloat32Array(), reluStd);
    expectStdWithin10Percent(init.kaimingNormal_(zeros([256, 256]), { nonlinearity: 'relu' }).toFloat32Array(), reluStd);
    // The default is leaky ReLU with a = 0, i.e. the ReLU gain.
    expectStdWithin10Percent(init.kaimingNormal_(zeros([256, 256])).toFloat32Array(), reluStd);
    expectStdWithin10Percent(init.kaimingNormal_(zeros([64, 16, 4, 4]), { mode: 'fanOut', nonlinearity: 'relu' }).toFloat32Array(), Math.SQRT2 / Math.sqrt(64 * 16));
    const linearDefault = init.kaimingUniform_(zeros([256, 256]), { a: Math.sqrt(5) }).toFloat32Array();
    expect(Math.max(...linearDefault.map(Math.abs))).toBeLessThanOrEqual(1 / 16);
    expectStdWithin10Percent(linearDefault, 1 / 16 / Math.sqrt(3));
  });

  it('uniform_, normal_, constant_, zeros_ and ones_ fill in place', () => {
    const t = zeros([100, 100]);
    expect(init.uniform_(t, -2, -1)).toBe(t);
    const u = t.toFloat32Array();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(-1);
    const n = init.normal_(t, 3, 0.5).toFloat32Array();
    expect(n.reduce((s, v) => s + v, 0) / n.length).toBeCloseTo(3, 1);
    expectStdWithin10Percent(n, 0.5);
    expect(new Set(init.constant_(t, 0.25).toFloat32Array())).toEqual(new Set([0.25]));
    expect(new Set(init.ones_(t).toFloat32Array())).toEqual(new Set([1]));
    expect(new Set(init.zeros_(t).toFloat32Array())).toEqual(new Set([0]));
    expect(() => init.uniform_(t, 1, 0)).toThrow(/uniform_: the range \[1, 0\) is empty/);
    expect(() => init.normal_(t, 0, -1)).toThrow(/normal_: std must be >= 0, got -1/);
  });

  it('is reproducible under manualSeed', () => {
    const draw = () => [init.xavierNormal_(zeros([8, 8])).toFloat32Array(), init.kaimingUniform_(zeros([8, 8])).toFloat32Array()];
    manualSeed(42);
    const first = draw();
    manualSeed(42);
    expect(draw()).toEqual(first);
    expect(draw()).not.toEqual(first);
  });
});
