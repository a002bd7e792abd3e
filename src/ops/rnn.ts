import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { Tensor } from '../tensor.js';
import { combinedBias, gradBias, gradInput, gradWeight, type RecurrentLayerAttributes, recurrentGeometry, stateOrZeros, withPackedWeight } from './recurrent-layer.js';

/**
 * @internal One Elman RNN layer over a whole sequence, as one recorded op (nn.RNN runs one per
 * layer): h = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) with act tanh or relu; input [T, N, F],
 * optional h0 [N, H] (zeros when null). Returns [T + 1, N, H]: row 0 is h0, rows 1..T the hidden
 * state after each step (so the previous states of all steps are one matrix for the dW_hh GEMM).
 */
export function rnnLayer(
  input: Tensor, h0: Tensor | null, weightIh: Tensor, weightHh: Tensor, biasIh: Tensor | null, biasHh: Tensor | null, nonlinearity: 'tanh' | 'relu',
): Tensor {
  const { steps, batch, features, hidden } = recurrentGeometry('RNN', 1, input, h0, weightIh, weightHh, biasIh, biasHh);
  const k = kernels();
  const stepState = batch * hidden;
  const relu = nonlinearity === 'relu';
  const out = Tensor.empty([steps + 1, batch, hidden]);
  stateOrZeros(h0, out.ptr, stepState);
  // The pre-activations of every step land in the output rows 1..T, then each step's recurrent
  // product is added and the nonlinearity applied in place.
  const bias = combinedBias(biasIh, biasHh);
  k.gemmBiasRelu(0, 1, steps * batch, hidden, features, input.ptr, weightIh.ptr, out.ptr + 4 * stepState, bias?.ptr ?? 0, 0, 0);
  bias?.dispose();
  withPackedWeight(weightHh, true, hidden, hidden, (recurrent) => {
    for (let t = 0; t < steps; t++) {
      const h = out.ptr + 4 * (t + 1) * stepState;
      if (t > 0 || h0) recurrent(out.ptr + 4 * t * stepState, h, batch, true);
      if (relu) k.reluForward(h, h, stepState);
      else k.tanhForward(h, h, stepState);
    }
  });
  const attributes: RecurrentLayerAttributes = { cell: relu ? 'RNN_RELU' : 'RNN_TANH', hiddenSize: hidden };
  return record(out, {
    op: 'rnnLayer',
    inputs: [input, h0, weightIh, weightHh, biasIh, biasHh],
    attributes,
    saved: [input, weightIh, weightHh, out],
    backward: (upstream, [x, wIh, wHh, savedOut]) => {
      const dPre = Tensor.empty([steps, batch, hidden]);
      const dh = Tensor.empty([batch, hidden]);
      k.fill(dh.ptr, stepState, 0);
      const h0Grad = h0?.requiresGrad ?? false;
      withPackedWeight(wHh!, false, hidden, hidden, (recurrent) => {
        for (let t = steps - 1; t >= 0; t--) {
          const dp = dPre.ptr + 4 * t * stepState;
          k.axpy(upstream.ptr + 4 * (t + 1) * stepState, dh.ptr, stepState, 1);
          // relu' is read from its output (h > 0 exactly where the pre-activation was), tanh' from 1 − h².
          if (relu) k.reluBackward(savedOut!.ptr + 4 * (t + 1) * stepState, dh.ptr, dp, stepState);
          else k.tanhBackward(savedOut!.ptr + 4 * (t + 1) * stepState, dh.ptr, dp, stepState);
          // What step 0 sends back reaches h0 alone.
          if (t > 0 || h0Grad) recurrent(dp, dh.ptr, batch, false);
        }
      });
      // Row 0 of the output is h0 itself.
      if (h0Grad) k.axpy(upstream.ptr, dh.ptr, stepState, 1);
      return [
        input.requiresGrad ? gradInput(dPre, wIh!, input) : null,
        h0Grad ? dh : null,
        weightIh.requiresGrad ? gradWeight(dPre, x!.ptr, features) : null,
        weightHh.requiresGrad ? gradWeight(dPre, savedOut!.ptr, hidden, h0 ? 0 : 1) : null,
        biasIh?.requiresGrad ? gradBias(dPre) : null,
        biasHh?.requiresGrad ? gradBias(dPre) : null,
      ];
    },
  });
}
