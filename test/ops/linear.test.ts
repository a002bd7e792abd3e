import { describe, expect, it } from 'vitest';
import { F, tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases } from '../helpers/fixtures.js';

describe('F.linear matches the golden fixtures', () => {
  for (const c of loadCases('linear')) {
    it(c.name, () => {
      const input = fromFixture(c.inputs.input!, true);
      const weight = fromFixture(c.inputs.weight!, true);
      const bias = c.inputs.bias ? fromFixture(c.inputs.bias, true) : null;
      const out = F.linear(input, weight, bias);
      expectCloseToFixture(out, c.output, 'output');
      out.backward(fromFixture(c.inputs.upstream!));
      expectCloseToFixture(input.grad, c.grads.input!, 'grad input');
      expectCloseToFixture(weight.grad, c.grads.weight!, 'grad weight');
      if (bias) expectCloseToFixture(bias.grad, c.grads.bias!, 'grad bias');
    });
  }

  it('says which feature count it expected', () => {
    expect(() => F.linear(tensor([[1, 2, 3]]), tensor([[1, 2]]))).toThrow(/linear: input \[1, 3\] does not match weight \[1, 2\]: the input's last dimension must be 2/);
  });
});
