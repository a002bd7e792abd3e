import { describe, expect, it } from 'vitest';
import { F, tensor, type Tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';

const ops = { softmax: F.softmax, log_softmax: F.logSoftmax } as const;

describe('softmax and logSoftmax match the golden fixtures', () => {
  for (const c of loadCases('softmax')) {
    it(c.name, () => {
      const input = fromFixture(c.inputs.input!, true);
      const out = ops[c.op as keyof typeof ops](input, c.params.dim as number);
      expectCloseToFixture(out, c.output, 'output');
      out.backward(fromFixture(c.inputs.upstream!));
      expectCloseToFixture(input.grad, c.grads.input!, 'grad input');
    });
  }
});

/** Float64 softmax (or log-softmax) of `data` with `shape` along `dim`. */
function reference(data: ArrayLike<number>, shape: number[], dim: number, log: boolean): number[] {
  const n = shape[dim]!;
  const inner = shape.slice(dim + 1).reduce((p, d) => p * d, 1);
  const outer = data.length / (n * inner);
  const out = new Array<number>(data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => (o * n + k) * inner + i;
      let peak = -Infinity;
      for (let k = 0; k < n; k++) peak = Math.max(peak, data[at(k)]!);
      let sum = 0;
      for (let k = 0; k < n; k++) sum += Math.exp(data[at(k)]! - peak);
      for (let k = 0; k < n; k++) out[at(k)] = log ? data[at(k)]! - peak - Math.log(sum) : Math.exp(data[at(k)]! - peak) / sum;
    }
  }
  return out;
}

function expectClose(got: Tensor, want: number[], tolerance: number): void {
  const values = got.toFloat32Array();
  want.forEach((w, i) => expect(Math.abs(values[i]! - w), `element ${i}: ${values[i]} vs ${w}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(w))));
}

const values = (count: number, scale = 3) => Array.from({ length: count }, (_, i) => scale * Math.sin(1.3 * i + 0.5));

describe('softmax over any dimension', () => {
  // Shapes whose reduced dimension is not the last, with inner sizes that fill whole and partial
  // four-lane blocks, and a long last dimension that is not a multiple of four.
  const cases: { shape: number[]; dim: number }[] = [
    { shape: [5, 3], dim: 0 },
    { shape: [4, 9], dim: 0 },
    { shape: [2, 5, 6], dim: 1 },
    { shape: [3, 4, 2, 5], dim: -2 },
    { shape: [3, 37], dim: -1 },
  ];
  for (const { shape, dim } of cases) {
    const data = values(shape.reduce((p, d) => p * d, 1));
    const axis = dim < 0 ? dim + shape.length : dim;
    it(`forward values for shape [${shape}] over dim ${dim}`, () => {
      expectClose(F.softmax(tensor(data, shape), dim), reference(data, shape, axis, false), 2e-6);
      expectClose(F.logSoftmax(tensor(data, shape), dim), reference(data, shape, axis, true), 2e-6);
    });
    it(`gradients for shape [${shape}] over dim ${dim} match finite differences`, () => {
      expectGradientsMatchFiniteDifferences((x) => F.softmax(x, dim), [{ shape, data }], { step: 1e-3 });
      expectGradientsMatchFiniteDifferences((x) => F.logSoftmax(x, dim), [{ shape, data }], { step: 1e-3 });
    });
  }

  it('every slice along the dimension sums to 1', () => {
    const x = tensor(values(24), [2, 3, 4]);
    const sums = F.softmax(x, 1).sum(1).toFloat32Array();
    sums.forEach((s) => expect(s).toBeCloseTo(1, 6));
  });
});

describe('softmax stability and edge cases', () => {
  it('huge logits neither overflow nor give NaN', () => {
    const x = tensor([[1000, 0, -1000], [-5000, -5001, -5002]]);
    expect(Array.from(F.softmax(x).toFloat32Array().slice(0, 3))).toEqual([1, 0, 0]);
    expectClose(F.logSoftmax(x), reference([1000, 0, -1000, -5000, -5001, -5002], [2, 3], 1, true), 1e-6);
  });

  it('a single element gives 1 (and log 0), with zero gradient', () => {
    const x = tensor([[3.5]], undefined, { requiresGrad: true });
    const y = F.softmax(x);
    expect(y.item()).toBe(1);
    expect(F.logSoftmax(x).item()).toBe(0);
    y.backward(tensor([[2]]));
    expect(x.grad!.item()).toBe(0);
  });

  it('names the op when dim is out of range', () => {
    expect(() => F.softmax(tensor([[1, 2]]), 2)).toThrow(/softmax: dim 2 is out of range for a tensor with 2 dimensions/);
    expect(() => F.logSoftmax(tensor([1, 2]), -2)).toThrow(/logSoftmax: dim -2 is out of range/);
  });
});
