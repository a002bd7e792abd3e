import { describe, expect, it } from 'vitest';
import { exportOnnx, nn } from 'simdgrad';
import { exportedNodes } from '../../helpers/onnx-graph.js';
import { SequenceTagger } from '../../helpers/recurrent-models.js';

describe('the ONNX converters of the recurrent layers', () => {
  it('LSTM (batchFirst): Transpose in, one LSTM node with W, R and B, the packed output rebuilt, Slice out, Transpose back', () => {
    const nodes = exportedNodes(exportOnnx(new SequenceTagger(new nn.LSTM(3, 4, { batchFirst: true }), 2), { inputShape: [2, 5, 3] }));
    expect(nodes.map((n) => n.opType)).toEqual(['Transpose', 'LSTM', 'Mul', 'Squeeze', 'Concat', 'Slice', 'Slice', 'Slice', 'Transpose', 'Transpose', 'MatMul', 'Add']);
    const lstm = nodes[1]!;
    expect(lstm.inputs).toHaveLength(4);
    expect(lstm.outputs).toHaveLength(3);
    expect(lstm.attributes).toEqual({ hidden_size: 4 });
    expect(nodes[0]!.attributes).toEqual({ perm: [1, 0, 2] });
    // The hidden states of every step are rows 1..5 of the packed [h0, h_1..h_5, c_5].
    expect(nodes[4]!.inputs).toEqual([nodes[2]!.outputs[0], nodes[3]!.outputs[0], lstm.outputs[2]]);
  });

  it('GRU: linear_before_reset 1, as PyTorch applies r after the hidden product; two layers chain through Slice', () => {
    const nodes = exportedNodes(exportOnnx(new SequenceTagger(new nn.GRU(3, 4, { numLayers: 2 }), 2), { inputShape: [5, 2, 3], dynamicBatch: false }));
    const grus = nodes.filter((n) => n.opType === 'GRU');
    expect(grus.map((n) => n.attributes)).toEqual([{ hidden_size: 4, linear_before_reset: 1 }, { hidden_size: 4, linear_before_reset: 1 }]);
    expect(grus.map((n) => n.outputs.length)).toEqual([2, 2]);
    expect(nodes.filter((n) => n.opType === 'Concat')).toHaveLength(3);
  });

  it('RNN without biases: no B input', () => {
    const nodes = exportedNodes(exportOnnx(new SequenceTagger(new nn.RNN(3, 4, { bias: false }), 2), { inputShape: [5, 2, 3], dynamicBatch: false }));
    const rnn = nodes.find((n) => n.opType === 'RNN')!;
    expect(rnn.inputs).toHaveLength(3);
  });
});
