import { describe, expect, it } from 'vitest';
import { exportOnnx, nn, type Tensor } from 'simdgrad';
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

class CausalSelfAttention extends nn.Module {
  readonly attention = this.registerModule('attention', new nn.MultiheadAttention(8, 2, { batchFirst: true }));

  forward(x: Tensor): Tensor {
    return this.attention.forward(x, x, x, { isCausal: true, needWeights: false })[0];
  }
}

describe('the ONNX converters of attention', () => {
  it('self-attention: one packed projection, heads by Slice/Reshape/Transpose, scores by MatMul/Mul/Add (causal)/Softmax/MatMul', () => {
    const bytes = exportOnnx(new CausalSelfAttention(), { inputShape: [2, 5, 8] });
    const nodes = exportedNodes(bytes);
    const heads = ['Slice', 'Reshape', 'Transpose'];
    expect(nodes.map((n) => n.opType)).toEqual([
      'Transpose', 'MatMul', 'Add', ...heads, ...heads, ...heads,
      'Transpose', 'MatMul', 'Mul', 'Add', 'Softmax', 'MatMul', 'Transpose', 'Reshape',
      'Transpose', 'MatMul', 'Add',
    ]);
    const perms = nodes.filter((n) => n.opType === 'Transpose').map((n) => n.attributes.perm);
    expect(perms).toEqual([[1, 0], [0, 2, 1, 3], [0, 2, 1, 3], [0, 2, 1, 3], [0, 1, 3, 2], [0, 2, 1, 3], [1, 0]]);
    expect(nodes.find((n) => n.opType === 'Softmax')!.attributes).toEqual({ axis: -1 });
    expect(initializerNames(bytes).filter((n) => !n.startsWith('constant_'))).toEqual(['attention.in_proj_weight', 'attention.in_proj_bias', 'attention.out_proj.weight', 'attention.out_proj.bias']);
  });
});
