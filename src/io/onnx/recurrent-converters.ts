// ONNX export of the recurrent layers: each layer op becomes ONNX's RNN, LSTM or GRU node with
// PyTorch's weights reordered to ONNX's gate order, plus the few nodes that rebuild the layer
// op's packed output ([h0, h_1 .. h_T] and, for the LSTM, c_T, stacked along the first axis),
// which nn.RNN/LSTM/GRU then cut with slice and join with cat.
import type { TracedOp } from '../../autograd/node.js';
import type { RecurrentLayerAttributes } from '../../ops/recurrent-layer.js';
import type { Tensor } from '../../tensor.js';
import type { GraphBuilder } from './graph-builder.js';
import type { OpConverter } from './op-converters.js';

// Which PyTorch gate block goes in each ONNX gate slot: LSTM i, f, g, o -> i, o, f, c; GRU r, z, n -> z, r, h.
const GATE_ORDER = { LSTM: [0, 3, 1, 2], GRU: [1, 0, 2], RNN_TANH: [0], RNN_RELU: [0] } as const;

function attributesOf<A extends object>(op: TracedOp): A {
  return op.attributes as A;
}

// A [G·H, ...] weight (or [G·H] bias) with its gate blocks reordered, as a [1, G·H, ...] constant.
function reordered(g: GraphBuilder, weight: Tensor, order: readonly number[]): string {
  const data = weight.toFloat32Array();
  const block = data.length / order.length;
  const out = new Float32Array(data.length);
  order.forEach((from, to) => out.set(data.subarray(from * block, (from + 1) * block), to * block));
  return g.floats(out, [1, ...weight.shape]);
}

// ONNX's B is [1, 2·G·H]: the input biases then the hidden ones.
function bias(g: GraphBuilder, biasIh: Tensor | null, biasHh: Tensor | null, order: readonly number[], width: number): string {
  if (!biasIh && !biasHh) return '';
  const halves = [biasIh, biasHh].map((b) => (b ? b.toFloat32Array() : new Float32Array(width)));
  const out = new Float32Array(2 * width);
  const block = width / order.length;
  halves.forEach((half, h) => order.forEach((from, to) => out.set(half.subarray(from * block, (from + 1) * block), h * width + to * block)));
  return g.floats(out, [1, 2 * width]);
}

function unsqueezeFirst(g: GraphBuilder, value: string): string {
  return g.node('Unsqueeze', [value, g.int64s([0])]);
}

function recurrentLayer(g: GraphBuilder, op: TracedOp): string {
  const { cell, hiddenSize } = attributesOf<RecurrentLayerAttributes>(op);
  const lstm = cell === 'LSTM';
  const [x, h0, c0, weightIh, weightHh, biasIh, biasHh] = (lstm ? op.inputs : [op.inputs[0], op.inputs[1], null, ...op.inputs.slice(2)]) as (Tensor | null)[];
  const order = GATE_ORDER[cell];
  const inputs = [
    g.value(x!), reordered(g, weightIh!, order), reordered(g, weightHh!, order), bias(g, biasIh!, biasHh!, order, weightIh!.shape[0]!), '',
    h0 ? unsqueezeFirst(g, g.value(h0)) : '', ...(lstm ? [c0 ? unsqueezeFirst(g, g.value(c0)) : ''] : []),
  ];
  while (inputs[inputs.length - 1] === '') inputs.pop();
  const attributes = {
    hidden_size: { int: hiddenSize },
    ...(cell === 'GRU' ? { linear_before_reset: { int: 1 } } : {}),
    ...(cell === 'RNN_RELU' ? { activations: { strings: ['Relu'] } } : {}),
  };
  const opType = lstm ? 'LSTM' : cell === 'GRU' ? 'GRU' : 'RNN';
  const [y, yH, yC] = g.nodeWithOutputs(opType, inputs, lstm ? 3 : 2, attributes);
  // Row 0 of the packed output is h0, zeros when there is none (Y_h·0 keeps the batch dimension symbolic).
  const first = h0 ? unsqueezeFirst(g, g.value(h0)) : g.node('Mul', [yH!, g.floats([0])]);
  const steps = g.node('Squeeze', [y!, g.int64s([1])]);
  return g.node('Concat', [first, steps, ...(lstm ? [yC!] : [])], { axis: { int: 0 } });
}

/** The recurrent layer ops (the slice and cat that nn.RNN/LSTM/GRU run around them are the toolkit's). */
export const RECURRENT_CONVERTERS: Readonly<Record<string, OpConverter>> = {
  rnnLayer: recurrentLayer,
  lstmLayer: recurrentLayer,
  gruLayer: recurrentLayer,
};
