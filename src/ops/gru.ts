import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { Tensor } from '../tensor.js';
import { gradBias, gradInput, gradWeight, type RecurrentLayerAttributes, recurrentGeometry, stateOrZeros, withPackedWeight } from './recurrent-layer.js';

/**
 * @internal One GRU layer over a whole sequence, as one recorded op (nn.GRU runs one per layer):
 * input [T, N, F], optional h0 [N, H] (zeros when null), weightIh [3H, F], weightHh [3H, H],
 * optional biases [3H]; gates r, z, n as PyTorch (r scales W_hn·h + b_hn). Returns [T + 1, N, H]:
 * row 0 is h0, rows 1..T the hidden state after each step (so the previous states of all steps
 * are one matrix for the dW_hh GEMM).
 */
export function gruLayer(input: Tensor, h0: Tensor | null, weightIh: Tensor, weightHh: Tensor, biasIh: Tensor | null, biasHh: Tensor | null): Tensor {
  const { steps, batch, features, hidden } = recurrentGeometry('GRU', 3, input, h0, weightIh, weightHh, biasIh, biasHh);
  const k = kernels();
  const gateWidth = 3 * hidden;
  const stepGates = batch * gateWidth;
  const stepState = batch * hidden;
  const out = Tensor.empty([steps + 1, batch, hidden]);
  // The input side of every step at once; the hidden side per step, kept for the n gate's gradient.
  const inputGates = Tensor.empty([steps, batch, gateWidth]);
  const hiddenGates = Tensor.empty([steps, batch, gateWidth]);
  stateOrZeros(h0, out.ptr, stepState);
  k.gemmBiasRelu(0, 1, steps * batch, gateWidth, features, input.ptr, weightIh.ptr, inputGates.ptr, biasIh?.ptr ?? 0, 0, 0);
  // b_hh in every step's hidden side first (a product with k = 0 is its bias alone), then each step adds h·W_hhᵀ.
  k.gemmBiasRelu(0, 1, steps * batch, gateWidth, 0, 0, 0, hiddenGates.ptr, biasHh?.ptr ?? 0, 0, 0);
  withPackedWeight(weightHh, true, hidden, gateWidth, (recurrent) => {
    for (let t = 0; t < steps; t++) {
      const b = hiddenGates.ptr + 4 * t * stepGates;
      const hPrev = out.ptr + 4 * t * stepState;
      if (t > 0 || h0) recurrent(hPrev, b, batch, true);
      k.gruCellForward(inputGates.ptr + 4 * t * stepGates, b, hPrev, out.ptr + 4 * (t + 1) * stepState, batch, hidden);
    }
  });
  const attributes: RecurrentLayerAttributes = { cell: 'GRU', hiddenSize: hidden };
  record(out, {
    op: 'gruLayer',
    inputs: [input, h0, weightIh, weightHh, biasIh, biasHh],
    attributes,
    saved: [input, weightIh, weightHh, inputGates, hiddenGates, out],
    backward: (upstream, [x, wIh, wHh, savedGates, savedHiddenGates, savedOut]) => {
      const dInput = Tensor.empty([steps, batch, gateWidth]);
      const dHidden = Tensor.empty([steps, batch, gateWidth]);
      const dhNext = Tensor.empty([batch, hidden]);
      k.fill(dhNext.ptr, stepState, 0);
      const h0Grad = h0?.requiresGrad ?? false;
      withPackedWeight(wHh!, false, gateWidth, hidden, (recurrent) => {
        for (let t = steps - 1; t >= 0; t--) {
          const db = dHidden.ptr + 4 * t * stepGates;
          k.gruCellBackward(
            savedGates!.ptr + 4 * t * stepGates, savedHiddenGates!.ptr + 4 * t * stepGates, savedOut!.ptr + 4 * t * stepState,
            upstream.ptr + 4 * (t + 1) * stepState, dhNext.ptr, dInput.ptr + 4 * t * stepGates, db, batch, hidden,
          );
          // What step 0 sends back reaches h0 alone.
          if (t > 0 || h0Grad) recurrent(db, dhNext.ptr, batch, true);
        }
      });
      // Row 0 of the output is h0 itself.
      if (h0Grad) k.axpy(upstream.ptr, dhNext.ptr, stepState, 1);
      return [
        input.requiresGrad ? gradInput(dInput, wIh!, input) : null,
        h0Grad ? dhNext : null,
        weightIh.requiresGrad ? gradWeight(dInput, x!.ptr, features) : null,
        weightHh.requiresGrad ? gradWeight(dHidden, savedOut!.ptr, hidden, h0 ? 0 : 1) : null,
        biasIh?.requiresGrad ? gradBias(dInput) : null,
        biasHh?.requiresGrad ? gradBias(dHidden) : null,
      ];
    },
  });
  inputGates.dispose();
  hiddenGates.dispose();
  return out;
}
