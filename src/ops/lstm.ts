import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { Tensor } from '../tensor.js';
import { combinedBias, gradBias, gradInput, gradWeight, type RecurrentLayerAttributes, recurrentGeometry, stateOrZeros, withPackedWeight } from './recurrent-layer.js';

/**
 * @internal One LSTM layer over a whole sequence, as one recorded op (nn.LSTM runs one per
 * layer): input [T, N, F], optional h0 and c0 [N, H] (zeros when null), weightIh [4H, F],
 * weightHh [4H, H], optional biases [4H]; gates i, f, g, o as PyTorch. Returns [T + 2, N, H]:
 * row 0 is h0, rows 1..T the hidden state after each step, row T + 1 the last cell state.
 * Keeping h0 in front makes the previous hidden states of all steps one contiguous matrix, so the
 * backward finds dW_hh with a single GEMM.
 */
export function lstmLayer(
  input: Tensor, h0: Tensor | null, c0: Tensor | null, weightIh: Tensor, weightHh: Tensor, biasIh: Tensor | null, biasHh: Tensor | null,
): Tensor {
  const { steps, batch, features, hidden } = recurrentGeometry('LSTM', 4, input, h0, weightIh, weightHh, biasIh, biasHh, c0);
  const k = kernels();
  const gateWidth = 4 * hidden;
  const stepGates = batch * gateWidth;
  const stepState = batch * hidden;
  const out = Tensor.empty([steps + 2, batch, hidden]);
  const cells = Tensor.empty([steps + 1, batch, hidden]);
  const gates = Tensor.empty([steps, batch, gateWidth]);
  stateOrZeros(h0, out.ptr, stepState);
  stateOrZeros(c0, cells.ptr, stepState);
  const bias = combinedBias(biasIh, biasHh);
  k.gemmBiasRelu(0, 1, steps * batch, gateWidth, features, input.ptr, weightIh.ptr, gates.ptr, bias?.ptr ?? 0, 0, 0);
  bias?.dispose();
  withPackedWeight(weightHh, true, hidden, gateWidth, (recurrent) => {
    for (let t = 0; t < steps; t++) {
      const g = gates.ptr + 4 * t * stepGates;
      if (t > 0 || h0) recurrent(out.ptr + 4 * t * stepState, g, batch, true);
      k.lstmCellForward(g, cells.ptr + 4 * t * stepState, cells.ptr + 4 * (t + 1) * stepState, out.ptr + 4 * (t + 1) * stepState, batch, hidden);
    }
  });
  k.copy(cells.ptr + 4 * steps * stepState, out.ptr + 4 * (steps + 1) * stepState, stepState);
  const attributes: RecurrentLayerAttributes = { cell: 'LSTM', hiddenSize: hidden };
  record(out, {
    op: 'lstmLayer',
    inputs: [input, h0, c0, weightIh, weightHh, biasIh, biasHh],
    attributes,
    saved: [input, weightIh, weightHh, gates, cells, out],
    backward: (upstream, [x, wIh, wHh, savedGates, savedCells, savedOut]) => {
      const dGates = Tensor.empty([steps, batch, gateWidth]);
      const dhNext = Tensor.empty([batch, hidden]);
      const dc = Tensor.empty([batch, hidden]);
      k.fill(dhNext.ptr, stepState, 0);
      k.copy(upstream.ptr + 4 * (steps + 1) * stepState, dc.ptr, stepState);
      const h0Grad = h0?.requiresGrad ?? false;
      withPackedWeight(wHh!, false, gateWidth, hidden, (recurrent) => {
        for (let t = steps - 1; t >= 0; t--) {
          const dg = dGates.ptr + 4 * t * stepGates;
          k.lstmCellBackward(
            savedGates!.ptr + 4 * t * stepGates, savedCells!.ptr + 4 * t * stepState, savedCells!.ptr + 4 * (t + 1) * stepState,
            upstream.ptr + 4 * (t + 1) * stepState, dhNext.ptr, dc.ptr, dg, batch, hidden,
          );
          // What step 0 sends back reaches h0 alone.
          if (t > 0 || h0Grad) recurrent(dg, dhNext.ptr, batch, false);
        }
      });
      // Row 0 of the output is h0 itself.
      if (h0Grad) k.axpy(upstream.ptr, dhNext.ptr, stepState, 1);
      return [
        input.requiresGrad ? gradInput(dGates, wIh!, input) : null,
        h0Grad ? dhNext : null,
        c0?.requiresGrad ? dc : null,
        weightIh.requiresGrad ? gradWeight(dGates, x!.ptr, features) : null,
        weightHh.requiresGrad ? gradWeight(dGates, savedOut!.ptr, hidden, h0 ? 0 : 1) : null,
        biasIh?.requiresGrad ? gradBias(dGates) : null,
        biasHh?.requiresGrad ? gradBias(dGates) : null,
      ];
    },
  });
  gates.dispose();
  cells.dispose();
  return out;
}
