import { describe, expect, it } from 'vitest';
import { flatten, reshape, tensor, transpose } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases } from '../helpers/fixtures.js';

describe('flatten matches the golden fixtures', () => {
  for (const c of loadCases('shape')) {
    it(c.name, () => {
      const input = fromFixture(c.inputs.input!, true);
      const out = flatten(input, c.params.start_dim as number, c.params.end_dim as number);
      expectCloseToFixture(out, c.output, 'output');
      out.backward(fromFixture(c.inputs.upstream!));
      expectCloseToFixture(input.grad, c.grads.input!, 'grad input');
    });
  }
});

describe('shape ops', () => {
  it('reshape infers one -1 dimension and refuses sizes that differ', () => {
    expect(reshape(tensor([1, 2, 3, 4, 5, 6]), [-1, 2]).shape).toEqual([3, 2]);
    expect(() => reshape(tensor([1, 2, 3]), [2, 2])).toThrow(/reshape: cannot view shape \[3\] \(3 elements\) as \[2, 2\]/);
  });

  it('transposes a 2-D tensor and its gradient', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], undefined, { requiresGrad: true });
    const t = transpose(x);
    expect(t.toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    t.backward(tensor([[1, 2], [3, 4], [5, 6]]));
    expect(x.grad!.toArray()).toEqual([[1, 3, 5], [2, 4, 6]]);
  });
});
