import { describe, it } from 'vitest';
import { nn, tensor, type Tensor } from 'simdgrad';
import { expectGradientsMatchFiniteDifferences, expectParameterGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { sequence } from '../helpers/sample-data.js';

// hidden 5: the gate kernels' four-lane loops end with a partial vector; two layers: the second
// reads the first's outputs, and hN takes both layers' last states.
describe('the GRU layer op matches finite differences', () => {
  const summary = (out: Tensor, hN: Tensor): Tensor => out.sum().add(hN.mul(tensor([2])).sum());

  it('for the input and h0', () => {
    const gru = new nn.GRU(3, 5, { numLayers: 2 });
    expectGradientsMatchFiniteDifferences((x, h0) => {
      const [out, hN] = gru.forward(x!, h0!);
      return summary(out, hN).reshape([1]);
    }, [sequence([4, 2, 3], 1), sequence([2, 2, 5], 2)]);
  });

  it('for every weight and bias', () => {
    const gru = new nn.GRU(3, 5, { numLayers: 2 });
    const x = tensor(sequence([4, 2, 3], 4).data, [4, 2, 3]);
    expectParameterGradientsMatchFiniteDifferences(gru, () => {
      const [out, hN] = gru.forward(x);
      return summary(out, hN);
    });
  });

  // Without an initial state, step 0 adds nothing to dW_hh and is left out of its product; a
  // given state that needs no gradient must still count.
  it('for every weight and bias, from a given initial state that needs no gradient', () => {
    const gru = new nn.GRU(3, 5, { numLayers: 2 });
    const x = tensor(sequence([4, 2, 3], 5).data, [4, 2, 3]);
    const h0 = tensor(sequence([2, 2, 5], 6).data, [2, 2, 5]);
    expectParameterGradientsMatchFiniteDifferences(gru, () => {
      const [out, hN] = gru.forward(x, h0);
      return summary(out, hN);
    });
  });
});
