import { describe, it } from 'vitest';
import { nn, tensor, type Tensor } from 'simdgrad';
import { expectGradientsMatchFiniteDifferences, expectParameterGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { sequence } from '../helpers/sample-data.js';

// hidden 5: the gate kernels' four-lane loops end with a partial vector; two layers: the second
// reads the first's outputs, and hN, cN take both layers' last states.
describe('the LSTM layer op matches finite differences', () => {
  const summary = (out: Tensor, hN: Tensor, cN: Tensor): Tensor => out.sum().add(hN.mul(tensor([2])).sum()).add(cN.mul(tensor([-1.5])).sum());

  it('for the input, h0 and c0', () => {
    const lstm = new nn.LSTM(3, 5, { numLayers: 2, batchFirst: true });
    expectGradientsMatchFiniteDifferences((x, h0, c0) => {
      const [out, [hN, cN]] = lstm.forward(x!, [h0!, c0!]);
      return summary(out, hN, cN).reshape([1]);
    }, [sequence([2, 4, 3], 1), sequence([2, 2, 5], 2), sequence([2, 2, 5], 3)]);
  });

  it('for every weight and bias', () => {
    const lstm = new nn.LSTM(3, 5, { numLayers: 2, batchFirst: true });
    const x = tensor(sequence([2, 4, 3], 4).data, [2, 4, 3]);
    expectParameterGradientsMatchFiniteDifferences(lstm, () => {
      const [out, [hN, cN]] = lstm.forward(x);
      return summary(out, hN, cN);
    });
  });

  // Without an initial state, step 0 adds nothing to dW_hh and is left out of its product; a
  // given state that needs no gradient must still count.
  it('for every weight and bias, from a given initial state that needs no gradient', () => {
    const lstm = new nn.LSTM(3, 5, { numLayers: 2, batchFirst: true });
    const x = tensor(sequence([2, 4, 3], 5).data, [2, 4, 3]);
    const h0 = tensor(sequence([2, 2, 5], 6).data, [2, 2, 5]);
    const c0 = tensor(sequence([2, 2, 5], 7).data, [2, 2, 5]);
    expectParameterGradientsMatchFiniteDifferences(lstm, () => {
      const [out, [hN, cN]] = lstm.forward(x, [h0, c0]);
      return summary(out, hN, cN);
    });
  });
});
