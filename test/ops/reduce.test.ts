import { describe, expect, it } from 'vitest';
import { mean, sum, tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';

const ops = { sum, mean } as const;

describe('sum and mean match the golden fixtures', () => {
  for (const c of loadCases('reduce')) {
    it(c.name, () => {
      const input = fromFixture(c.inputs.input!, true);
      const out = ops[c.op as keyof typeof ops](input, c.params.dim as number[] | null, c.params.keepdim as boolean);
      expectCloseToFixture(out, c.output, 'output');
      out.backward(fromFixture(c.inputs.upstream!));
      expectCloseToFixture(input.grad, c.grads.input!, 'grad input');
    });
  }
});

describe('reductions', () => {
  it('reduce over non-adjacent axes and check gradients', () => {
    const data = { shape: [2, 3, 4], data: Array.from({ length: 24 }, (_, i) => Math.sin(i)) };
    expectGradientsMatchFiniteDifferences((x) => sum(x, [0, 2]), [data]);
    expectGradientsMatchFiniteDifferences((x) => mean(x, -1, true), [data]);
  });

  it('rejects an axis out of range', () => {
    expect(() => sum(tensor([[1, 2]]), 2)).toThrow(/sum: dim 2 is out of range for a tensor with 2 dimensions/);
  });
});
