import { describe, it } from 'vitest';
import { nn, tensor, type Tensor } from 'simdgrad';
import { expectGradientsMatchFiniteDifferences, expectParameterGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { sequence } from '../helpers/sample-data.js';

describe('the RNN layer op matches finite differences', () => {
  for (const nonlinearity of ['tanh', 'relu'] as const) {
    const summary = (out: Tensor, hN: Tensor): Tensor => out.sum().add(hN.mul(tensor([2])).sum());

    it(`${nonlinearity}: for the input and h0`, () => {
      const rnn = new nn.RNN(3, 5, { numLayers: 2, nonlinearity });
      expectGradientsMatchFiniteDifferences((x, h0) => {
        const [out, hN] = rnn.forward(x!, h0!);
        return summary(out, hN).reshape([1]);
      }, [sequence([4, 2, 3], 1), sequence([2, 2, 5], 2)]);
    });

    it(`${nonlinearity}: for every weight and bias`, () => {
      const rnn = new nn.RNN(3, 5, { numLayers: 2, nonlinearity });
      const x = tensor(sequence([4, 2, 3], 4).data, [4, 2, 3]);
      expectParameterGradientsMatchFiniteDifferences(rnn, () => {
        const [out, hN] = rnn.forward(x);
        return summary(out, hN);
      }, { step: 1e-3 });
    });
  }
});

// Without an initial state, step 0 adds nothing to dW_hh and is left out of its product; a given
// state that needs no gradient must still count. (After the tests above, so their random
// initial weights stay as they were.)
describe('the RNN layer op from a given initial state that needs no gradient', () => {
  const summary = (out: Tensor, hN: Tensor): Tensor => out.sum().add(hN.mul(tensor([2])).sum());
  for (const nonlinearity of ['tanh', 'relu'] as const) {
    it(`${nonlinearity}: matches finite differences for every weight and bias`, () => {
      const rnn = new nn.RNN(3, 5, { numLayers: 2, nonlinearity });
      const x = tensor(sequence([4, 2, 3], 5).data, [4, 2, 3]);
      const h0 = tensor(sequence([2, 2, 5], 6).data, [2, 2, 5]);
      expectParameterGradientsMatchFiniteDifferences(rnn, () => {
        const [out, hN] = rnn.forward(x, h0);
        return summary(out, hN);
      }, { step: 1e-3 });
    });
  }
});
