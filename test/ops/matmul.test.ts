import { describe, expect, it } from 'vitest';
import { matmul, randn, tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';

describe('matmul matches the golden fixtures', () => {
  for (const c of loadCases('matmul')) {
    it(c.name, () => {
      const input = fromFixture(c.inputs.input!, true);
      const other = fromFixture(c.inputs.other!, true);
      const out = matmul(input, other);
      expectCloseToFixture(out, c.output, 'output');
      out.backward(fromFixture(c.inputs.upstream!));
      expectCloseToFixture(input.grad, c.grads.input!, 'grad input');
      expectCloseToFixture(other.grad, c.grads.other!, 'grad other');
    });
  }
});

describe('matmul', () => {
  it('multiplies batches, broadcasting a 2-D operand over the batch', () => {
    const a = randn([3, 4, 5]);
    const b = randn([5, 2]);
    const batched = matmul(a, b).toFloat32Array();
    const av = a.toFloat32Array();
    const bv = b.toFloat32Array();
    for (let n = 0; n < 3; n++) {
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 2; j++) {
          let want = 0;
          for (let p = 0; p < 5; p++) want += av[n * 20 + i * 5 + p]! * bv[p * 2 + j]!;
          expect(batched[n * 8 + i * 2 + j]).toBeCloseTo(want, 4);
        }
      }
    }
  });

  it('has the right batched gradients', () => {
    const data = (n: number) => Array.from({ length: n }, (_, i) => Math.cos(i * 0.9));
    expectGradientsMatchFiniteDifferences(matmul, [{ shape: [2, 3, 4], data: data(24) }, { shape: [4, 2], data: data(8) }]);
    expectGradientsMatchFiniteDifferences(matmul, [{ shape: [2, 2, 3], data: data(12) }, { shape: [2, 3, 2], data: data(12) }]);
  });

  it('treats 1-D operands as vectors', () => {
    expect(matmul(tensor([1, 2]), tensor([[1, 0, 2], [0, 1, 3]])).toArray()).toEqual([1, 2, 8]);
    expect(matmul(tensor([[1, 2], [3, 4]]), tensor([1, 1])).toArray()).toEqual([3, 7]);
  });

  it('names both shapes when the inner dimensions differ', () => {
    expect(() => matmul(tensor([[1, 2, 3]]), tensor([[1, 2]]))).toThrow(/matmul: shapes \[1, 3\] and \[1, 2\] do not chain/);
  });
});
