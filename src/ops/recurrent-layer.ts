// What the RNN, LSTM and GRU layer ops share: their shape checks, the initial state, the summed
// biases, and the weight gradients that come out of the gate gradients of all steps at once.
import { backend, kernels } from '../backend/backend.js';
import { formatShape } from '../shape-util.js';
import { Tensor } from '../tensor.js';

export type RecurrentCell = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/** What an exporter needs to write a layer op as ONNX's RNN/LSTM/GRU node. */
export interface RecurrentLayerAttributes {
  cell: RecurrentCell;
  hiddenSize: number;
}

export interface RecurrentGeometry {
  steps: number;
  batch: number;
  features: number;
  hidden: number;
}

/** Checks a layer op's shapes (gates: 1 RNN, 3 GRU, 4 LSTM; c0 for the LSTM only) and returns its sizes. */
export function recurrentGeometry(
  op: string, gates: number, input: Tensor, h0: Tensor | null, weightIh: Tensor, weightHh: Tensor, biasIh: Tensor | null, biasHh: Tensor | null, c0: Tensor | null = null,
): RecurrentGeometry {
  if (input.ndim !== 3) throw new Error(`simdgrad: ${op}: input must be [T, N, features], got ${formatShape(input.shape)}.`);
  const [steps, batch, features] = input.shape as [number, number, number];
  const hidden = weightHh.shape[1]!;
  const expect = (name: string, t: Tensor | null, shape: number[]): void => {
    if (t && (t.ndim !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
      throw new Error(`simdgrad: ${op}: ${name} must be ${formatShape(shape)}, got ${formatShape(t.shape)}.`);
    }
  };
  expect('weightIh', weightIh, [gates * hidden, features]);
  expect('weightHh', weightHh, [gates * hidden, hidden]);
  expect('biasIh', biasIh, [gates * hidden]);
  expect('biasHh', biasHh, [gates * hidden]);
  expect('h0', h0, [batch, hidden]);
  expect('c0', c0, [batch, hidden]);
  if (steps < 1) throw new Error(`simdgrad: ${op}: the sequence must have at least one step, got input ${formatShape(input.shape)}.`);
  return { steps, batch, features, hidden };
}

/** Writes the initial state, or zeros when there is none, at `ptr` (`size` floats). */
export function stateOrZeros(state: Tensor | null, ptr: number, size: number): void {
  if (state) kernels().copy(state.ptr, ptr, size);
  else kernels().fill(ptr, size, 0);
}

/** b_ih + b_hh, which the LSTM and plain RNN add to the same pre-activations; null without biases. */
export function combinedBias(biasIh: Tensor | null, biasHh: Tensor | null): Tensor | null {
  if (!biasIh && !biasHh) return null;
  const size = (biasIh ?? biasHh)!.size;
  const sum = Tensor.empty([size]);
  const k = kernels();
  k.fill(sum.ptr, size, 0);
  if (biasIh) k.axpy(biasIh.ptr, sum.ptr, size, 1);
  if (biasHh) k.axpy(biasHh.ptr, sum.ptr, size, 1);
  return sum;
}

/** dx [T, N, F] = dGates · W_ih for all steps at once. */
export function gradInput(dGates: Tensor, weightIh: Tensor, input: Tensor): Tensor {
  const gx = Tensor.empty(input.shape);
  const [steps, batch, features] = input.shape as [number, number, number];
  kernels().gemm(0, 0, steps * batch, features, dGates.shape[2]!, dGates.ptr, weightIh.ptr, gx.ptr, 0);
  return gx;
}

/**
 * dW [G·H, columns] = dGatesᵀ · X over all steps at once, X at `x`: the inputs, or the previous
 * hidden states. Steps before `firstStep` are left out: a layer without an initial state passes 1
 * for W_hh, whose X at step 0 is that state, all zeros.
 */
export function gradWeight(dGates: Tensor, x: number, columns: number, firstStep = 0): Tensor {
  const [steps, batch, gateWidth] = dGates.shape as [number, number, number];
  const gw = Tensor.empty([gateWidth, columns]);
  const skipped = firstStep * batch;
  kernels().gemm(1, 0, gateWidth, columns, (steps - firstStep) * batch, dGates.ptr + 4 * skipped * gateWidth, x + 4 * skipped * columns, gw.ptr, 0);
  return gw;
}

/** db = the gate gradients summed over steps and batch. */
export function gradBias(dGates: Tensor): Tensor {
  const [steps, batch, gateWidth] = dGates.shape as [number, number, number];
  const gb = Tensor.empty([gateWidth]);
  kernels().sumAxisForward(dGates.ptr, gb.ptr, 1, steps * batch, gateWidth);
  return gb;
}

/** C (+)= A·op(W) for `rows` rows of A at `a`, into C at `c`. */
export type WeightProduct = (a: number, c: number, rows: number, accumulate: boolean) => void;

/**
 * Runs `run` with the product by one weight, op(W) k×n (transposed: W stored [n, k]), which a
 * layer applies once per time step: W is packed once here instead of at every step, and each
 * product runs assembly/recurrent-gemm.ts's kernel, shaped for the few rows of a batch.
 */
export function withPackedWeight(weight: Tensor, transposed: boolean, k: number, n: number, run: (product: WeightProduct) => void): void {
  const kr = kernels();
  const allocator = backend().allocator;
  const packed = allocator.alloc(kr.recurrentWeightBytes(k, n), 'the packed recurrent weights');
  try {
    kr.recurrentPackWeight(transposed ? 1 : 0, k, n, weight.ptr, packed);
    run((a, c, rows, accumulate) => kr.recurrentProduct(rows, n, k, a, packed, c, accumulate ? 1 : 0));
  } finally {
    allocator.free(packed);
  }
}
