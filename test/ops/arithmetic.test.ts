import { describe, expect, it } from 'vitest';
import { add, div, exp, log, mul, pow, sqrt, sub, tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases } from '../helpers/fixtures.js';
import { expectValues } from '../helpers/expect-values.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';

const ops = { add, mul } as const;

describe('add and mul match the golden fixtures, broadcasting included', () => {
  for (const c of loadCases('arithmetic')) {
    it(c.name, () => {
      const input = fromFixture(c.inputs.input!, true);
      const other = fromFixture(c.inputs.other!, true);
      const out = ops[c.op as keyof typeof ops](input, other);
      expectCloseToFixture(out, c.output, 'output');
      out.backward(fromFixture(c.inputs.upstream!));
      expectCloseToFixture(input.grad, c.grads.input!, 'grad input');
      expectCloseToFixture(other.grad, c.grads.other!, 'grad other');
    });
  }
});

describe('arithmetic', () => {
  it('broadcasts a scalar number on either side', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(sub(10, x).toArray()).toEqual([[9, 8], [7, 6]]);
    expect(div(x, 2).toArray()).toEqual([[0.5, 1], [1.5, 2]]);
  });

  it('names the op and both shapes when shapes cannot broadcast', () => {
    expect(() => add(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(/add: shapes \[3\] and \[2\] cannot be broadcast/);
  });

  it('sub and div have the right gradients for broadcast operands', () => {
    const shapes = [{ shape: [2, 3], data: [0.5, -1.2, 2.2, 1.1, 0.7, -0.4] }, { shape: [3], data: [1.5, -2.5, 0.8] }];
    expectGradientsMatchFiniteDifferences(sub, shapes);
    expectGradientsMatchFiniteDifferences(div, shapes, { step: 1e-3 });
    expectGradientsMatchFiniteDifferences(mul, [shapes[1]!, { shape: [2, 1], data: [0.3, -2] }]);
  });

  it('unary math has the right gradients', () => {
    const positive = [{ shape: [5], data: [0.5, 1.2, 2.2, 3.1, 0.7] }];
    expectGradientsMatchFiniteDifferences(exp, positive, { step: 1e-3 });
    expectGradientsMatchFiniteDifferences(log, positive, { step: 1e-3 });
    expectGradientsMatchFiniteDifferences(sqrt, positive, { step: 1e-3 });
    expectGradientsMatchFiniteDifferences((x) => pow(x, 3), positive, { step: 1e-3 });
  });

  it('computes the values PyTorch does for exp, log, sqrt and pow', () => {
    const x = tensor([0.25, 1, 4]);
    expect(Array.from(exp(x).toFloat32Array())).toEqual(Array.from(Float32Array.of(Math.exp(0.25), Math.E, Math.exp(4))));
    expect(Array.from(log(x).toFloat32Array()).map((v) => +v.toFixed(6))).toEqual([-1.386294, 0, 1.386294]);
    expect(Array.from(sqrt(x).toFloat32Array())).toEqual([0.5, 1, 2]);
    expect(Array.from(pow(x, 2).toFloat32Array())).toEqual([0.0625, 1, 16]);
  });

  it("pow's gradient at 0, at negative bases and at non-finite values is PyTorch's, exponent 0 giving 0 everywhere", () => {
    // From PyTorch 1.13: x.pow(exponent).backward(ones) for x = [0, 2, -2, NaN, Infinity].
    const expected: [number, number[]][] = [
      [0, [0, 0, 0, 0, 0]],
      [1, [1, 1, 1, 1, 1]],
      [2, [0, 4, -4, NaN, Infinity]],
      [0.5, [Infinity, 0.3535533845424652, NaN, NaN, 0]],
      [-1, [-Infinity, -0.25, -0.25, NaN, 0]],
      [3, [0, 12, 12, NaN, Infinity]],
      [-0.5, [-Infinity, -0.1767766922712326, NaN, NaN, 0]],
      [1.5, [0, 2.1213202476501465, NaN, NaN, Infinity]],
    ];
    for (const [exponent, grad] of expected) {
      const x = tensor([0, 2, -2, NaN, Infinity], undefined, { requiresGrad: true });
      pow(x, exponent).backward(tensor([1, 1, 1, 1, 1]));
      expectValues(x.grad, grad, `gradient of pow(x, ${exponent})`);
    }
  });
});
