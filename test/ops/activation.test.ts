import { describe, expect, it } from 'vitest';
import { F, tensor, type Tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases, type FixtureCase } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';

const fixtureOps: Record<string, (x: Tensor, c: FixtureCase) => Tensor> = {
  relu: (x) => F.relu(x),
  leaky_relu: (x, c) => F.leakyRelu(x, c.params.negative_slope as number),
  sigmoid: (x) => F.sigmoid(x),
  tanh: (x) => F.tanh(x),
  gelu: (x, c) => F.gelu(x, { approximate: c.params.approximate as 'none' | 'tanh' }),
  elu: (x, c) => F.elu(x, c.params.alpha as number),
  silu: (x) => F.silu(x),
  softplus: (x, c) => F.softplus(x, { beta: c.params.beta as number, threshold: c.params.threshold as number }),
  relu6: (x) => F.relu6(x),
  hardswish: (x) => F.hardswish(x),
  hardsigmoid: (x) => F.hardsigmoid(x),
  mish: (x) => F.mish(x),
};

describe('activations match the golden fixtures', () => {
  for (const c of [...loadCases('activation'), ...loadCases('activation_more')]) {
    it(c.name, () => {
      const input = fromFixture(c.inputs.input!, true);
      const out = fixtureOps[c.op]!(input, c);
      expectCloseToFixture(out, c.output, 'output');
      out.backward(fromFixture(c.inputs.upstream!));
      expectCloseToFixture(input.grad, c.grads.input!, 'grad input');
    });
  }
});

// Away from the kinks at 0; 11 values, so the kernels' 4-lane steps end in a partial one.
const awayFromZero = [{ shape: [11], data: [-3.1, -2.2, -1.45, -0.8, -0.35, -0.12, 0.09, 0.4, 0.95, 1.7, 2.6] }];
const wide = [{ shape: [2, 7], data: Array.from({ length: 14 }, (_, i) => -6.5 + i) }];

describe('activation gradients match finite differences', () => {
  const cases: [string, (x: Tensor) => Tensor][] = [
    ['relu', F.relu],
    ['leakyRelu', (x) => F.leakyRelu(x, 0.2)],
    ['sigmoid', F.sigmoid],
    ['tanh', F.tanh],
    ['gelu', F.gelu],
    ['gelu tanh', (x) => F.gelu(x, { approximate: 'tanh' })],
    ['elu', (x) => F.elu(x, 1.5)],
    ['softplus', F.softplus],
    ['softplus beta 2', (x) => F.softplus(x, { beta: 2, threshold: 4 })],
    ['silu', F.silu],
    ['relu6', F.relu6],
    ['hardsigmoid', F.hardsigmoid],
    ['hardswish', F.hardswish],
    ['mish', F.mish],
  ];
  for (const [name, fn] of cases) {
    it(name, () => {
      expectGradientsMatchFiniteDifferences(fn, awayFromZero, { step: 1e-3 });
      expectGradientsMatchFiniteDifferences(fn, wide, { step: 1e-3 });
    });
  }
});

// Float64 references, evaluated at the float32 inputs the kernels see.
const sigmoid64 = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const normalCdf64 = (x: number) => 0.5 * erfc64(-x / Math.SQRT2);
// The tanh form of gelu rounds its exponent 2u = 2√(2/π)(x + 0.044715x³) to float32 first, so
// where the result is tiny it carries about |2u| ulps of error (as PyTorch's float32 does).
const references: [string, (x: Tensor) => Tensor, (x: number) => number, number?][] = [
  ['relu', F.relu, (x) => Math.max(x, 0)],
  ['leakyRelu', (x) => F.leakyRelu(x, 0.1), (x) => (x > 0 ? x : 0.1 * x)],
  ['sigmoid', F.sigmoid, sigmoid64],
  ['tanh', F.tanh, Math.tanh],
  ['gelu', F.gelu, (x) => x * normalCdf64(x)],
  ['gelu tanh', (x) => F.gelu(x, { approximate: 'tanh' }), (x) => x * sigmoid64(2 * Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)), 1e-5],
  ['elu', (x) => F.elu(x, 0.7), (x) => (x > 0 ? x : 0.7 * Math.expm1(x))],
  ['softplus', F.softplus, (x) => (x > 20 ? x : Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))))],
  ['silu', F.silu, (x) => x * sigmoid64(x)],
  ['relu6', F.relu6, (x) => Math.min(Math.max(x, 0), 6)],
  ['hardsigmoid', F.hardsigmoid, (x) => Math.min(Math.max(x + 3, 0), 6) / 6],
  ['hardswish', F.hardswish, (x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6],
  ['mish', F.mish, (x) => x * Math.tanh(Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))))],
];

describe('activations are accurate to a few float32 ulps over a wide range', () => {
  const grid = Float32Array.from({ length: 1203 }, (_, i) => (i - 601) * 0.05 * (1 + (i % 7) * 1e-3));
  const tiny = Float32Array.of(1e-7, -1e-7, 3e-4, -3e-4, 0.01, -0.01, 0.3, -0.3);
  for (const [name, fn, reference, rtol = 1e-6] of references) {
    it(name, () => {
      for (const values of [grid, tiny]) {
        const got = fn(tensor(values)).toFloat32Array();
        values.forEach((x, i) => {
          const want = reference(x);
          expect(Math.abs(got[i]! - want), `${name}(${x}) = ${got[i]}, want ${want}`).toBeLessThanOrEqual(rtol * Math.abs(want) + 1e-37);
        });
      }
    });
  }

  it('exact gelu while recording gives the same values, and its slope Φ(x) + x φ(x) to a few float32 ulps', () => {
    const normalDensity64 = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    const x = tensor(grid, undefined, { requiresGrad: true });
    const y = F.gelu(x);
    expect(Array.from(y.toFloat32Array())).toEqual(Array.from(F.gelu(tensor(grid)).toFloat32Array()));
    y.backward(tensor(new Float32Array(grid.length).fill(1)));
    const slope = x.grad!.toFloat32Array();
    grid.forEach((v, i) => {
      const [cdf, densityTerm] = [normalCdf64(v), v * normalDensity64(v)];
      // Near x = -0.75 the two terms cancel: the error is measured against their size.
      const want = cdf + densityTerm;
      expect(Math.abs(slope[i]! - want), `gelu'(${v}) = ${slope[i]}, want ${want}`).toBeLessThanOrEqual(1e-6 * (Math.abs(cdf) + Math.abs(densityTerm)) + 1e-37);
    });
  });

  it('exact gelu resolves the far tail, where 1 + erf cancels', () => {
    const x = Float32Array.of(-5, -7.5, -10, -12);
    const got = F.gelu(tensor(x)).toFloat32Array();
    x.forEach((v, i) => expect(got[i]! / (v * normalCdf64(v))).toBeCloseTo(1, 5));
  });
});

describe('activations at extreme inputs', () => {
  it('sigmoid and tanh saturate at ±20 and ±80 without NaN, and so do their gradients', () => {
    const x = tensor([-80, -20, 20, 80], undefined, { requiresGrad: true });
    const s = F.sigmoid(x);
    const values = Array.from(s.toFloat32Array());
    expect(values[0]).toBeGreaterThanOrEqual(0);
    expect(values[0]).toBeLessThan(1e-34);
    expect(values[1]).toBeCloseTo(2.06e-9, 10);
    expect(values.slice(2)).toEqual([1, 1]);
    expect(Array.from(F.tanh(x).toFloat32Array())).toEqual([-1, -1, 1, 1]);
    s.backward(tensor([1, 1, 1, 1]));
    expect(Array.from(x.grad!.toFloat32Array()).every(Number.isFinite)).toBe(true);
  });

  it('a 100-element sigmoid at ±80 is finite', () => {
    const x = tensor(Float32Array.from({ length: 100 }, (_, i) => (i % 2 ? 80 : -80)));
    const y = F.sigmoid(x).toFloat32Array();
    expect(y.every(Number.isFinite)).toBe(true);
    expect(y.every((v, i) => (i % 2 ? v === 1 : v < 1e-34))).toBe(true);
  });

  it('softplus, silu, elu, gelu, mish and the hard ones stay finite and take the right limits', () => {
    const x = tensor([-1000, -90, 90, 1000]);
    expect(Array.from(F.softplus(x).toFloat32Array())).toEqual([0, 0, 90, 1000]);
    expect(Array.from(F.silu(x).toFloat32Array())).toEqual([-0, -0, 90, 1000]);
    expect(Array.from(F.elu(x).toFloat32Array())).toEqual([-1, -1, 90, 1000]);
    expect(Array.from(F.gelu(x).toFloat32Array())).toEqual([-0, -0, 90, 1000]);
    // The zero's sign follows tanh(0)'s in float32; only the value matters.
    expect(Array.from(F.mish(x).toFloat32Array(), (v) => v + 0)).toEqual([0, 0, 90, 1000]);
    expect(Array.from(F.hardswish(x).toFloat32Array())).toEqual([-0, -0, 90, 1000]);
    expect(Array.from(F.hardsigmoid(x).toFloat32Array())).toEqual([0, 0, 1, 1]);
    expect(Array.from(F.relu6(x).toFloat32Array())).toEqual([0, 0, 6, 6]);
  });

  it('propagates NaN as torch does', () => {
    const x = tensor([Number.NaN, 1, -1]);
    for (const fn of [F.relu, F.sigmoid, F.tanh, F.gelu, F.elu, F.softplus, F.silu, F.relu6, F.hardsigmoid, F.hardswish, F.mish]) {
      expect(Number.isNaN(fn(x).toFloat32Array()[0])).toBe(true);
    }
  });
});

describe('activation options', () => {
  it('leakyRelu defaults to a slope of 0.01', () => {
    expect(Array.from(F.leakyRelu(tensor([-2, 3])).toFloat32Array())).toEqual([Math.fround(-0.02), 3]);
  });

  it('softplus switches to x above the threshold, as torch does', () => {
    expect(Array.from(F.softplus(tensor([4, 6]), { beta: 1, threshold: 5 }).toFloat32Array())).toEqual([Math.fround(Math.log1p(Math.exp(4))), 6]);
  });

  it('rejects bad arguments with a clear message', () => {
    const x = tensor([1]);
    expect(() => F.gelu(x, { approximate: 'fast' as 'tanh' })).toThrow(/gelu: approximate must be 'none' or 'tanh', got "fast"/);
    expect(() => F.leakyRelu(x, Number.NaN)).toThrow(/leakyRelu: negativeSlope must be a finite number/);
    expect(() => F.softplus(x, { beta: 0 })).toThrow(/softplus: beta must not be 0/);
  });

  it('refuses a disposed input', () => {
    const x = tensor([1]);
    x.dispose();
    expect(() => F.relu(x)).toThrow(/simdgrad: relu: input is a disposed Tensor/);
  });
});

// erfc in float64: the Maclaurin-type series erf(z) = 2/√π e^(-z²) Σ 2^n z^(2n+1) / (2n+1)!!
// (all terms positive) below 2.5, and the continued fraction
// erfc(z) = e^(-z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))) above it.
function erfc64(z: number): number {
  if (z < 0) return 2 - erfc64(-z);
  if (z < 2.5) {
    let term = z;
    let sum = z;
    for (let n = 1; n < 200 && term > 1e-18 * sum; n++) {
      term *= (2 * z * z) / (2 * n + 1);
      sum += term;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-z * z) * sum;
  }
  let fraction = z;
  for (let k = 120; k >= 1; k--) fraction = z + k / 2 / fraction;
  return Math.exp(-z * z) / Math.sqrt(Math.PI) / fraction;
}
