import { describe, expect, it } from 'vitest';
import { exportOnnx, nn } from 'simdgrad';
import { exportedNodes, initializerNames } from '../../helpers/onnx-graph.js';

describe('the ONNX converters of the layers beyond convnets', () => {
  it('embedding: Gather on the weight at the indices cast to int64', () => {
    const bytes = exportOnnx(new nn.Embedding(10, 4, { paddingIdx: 0 }), { inputShape: [2, 3] });
    const nodes = exportedNodes(bytes);
    expect(nodes.map((n) => n.opType)).toEqual(['Cast', 'Gather']);
    expect(nodes[0]!.inputs).toEqual(['input']);
    expect(nodes[0]!.attributes).toEqual({ to: 7 });
    expect(nodes[1]!.inputs).toEqual(['weight', nodes[0]!.outputs[0]]);
    expect(nodes[1]!.attributes).toEqual({ axis: 0 });
    expect(initializerNames(bytes)).toEqual(['weight']);
  });
});
