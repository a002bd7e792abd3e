import { describe, expect, it } from 'vitest';
import {
  abs, argmax, argmin, cat, chunk, clamp, cumsum, eq, exportOnnx, expand, gather, ge, gt, indexSelect, le, logsumexp, lt, maskedFill, maximum, memory,
  min, minimum, mul, narrow, ne, nn, oneHot, permute, scatterAdd, select, slice, split, squeeze, stack, std, tensor, topk, transpose, tril, triu,
  unsqueeze, variance, where, type Tensor,
} from 'simdgrad';
import { constantInput, exportedNodes, initializerNames, onlyNode, opTypesOf, readOnnxGraph, type ReadGraph } from '../../helpers/onnx-graph.js';
import { ToolkitOps } from '../../helpers/onnx-models.js';

/** A module whose forward is `fn`, to export one op at a time. */
class Forward extends nn.Module {
  constructor(private readonly fn: (x: Tensor) => Tensor) {
    super();
  }

  forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}

function exported(fn: (x: Tensor) => Tensor, options: { inputShape?: number[]; opset?: number } = {}): ReadGraph {
  return readOnnxGraph(exportOnnx(new Forward(fn), { inputShape: options.inputShape ?? [2, 3, 4], opset: options.opset }));
}

const TO_THE_END = Number.MAX_SAFE_INTEGER;
const FLOAT = 1;
const INT64 = 7;
const BOOL = 9;

/** The starts, ends, axes and steps of a Slice node. */
function sliceOf(graph: ReadGraph, index: number): number[][] {
  const node = graph.nodes.filter((n) => n.opType === 'Slice')[index]!;
  return [1, 2, 3, 4].map((i) => constantInput(graph, node, i).values);
}

describe('exportOnnx converts the shape ops', () => {
  it('permute and transpose (N-D) to Transpose with their permutation', () => {
    expect(onlyNode(exported((x) => permute(x, [2, 0, 1])), 'Transpose').attributes).toEqual({ perm: [2, 0, 1] });
    expect(onlyNode(exported((x) => transpose(x, -1, 1)), 'Transpose').attributes).toEqual({ perm: [0, 2, 1] });
  });

  it('unsqueeze, squeeze and select to Unsqueeze and Squeeze with axes as an input (opset 13 on)', () => {
    const graph = exported((x) => squeeze(unsqueeze(unsqueeze(x, 0), 4), 4), { opset: 13 });
    expect(opTypesOf(graph)).toEqual(['Unsqueeze', 'Unsqueeze', 'Squeeze']);
    expect(graph.nodes.map((node) => constantInput(graph, node, 1).values)).toEqual([[0], [4], [4]]);
    const selected = exported((x) => select(x, 1, -1), { inputShape: [2, 3, 4, 5] });
    expect(opTypesOf(selected)).toEqual(['Slice', 'Squeeze']);
    expect(sliceOf(selected, 0)).toEqual([[2], [TO_THE_END], [1], [1]]);
    expect(constantInput(selected, selected.nodes[1]!, 1).values).toEqual([1]);
  });

  it('expand to Expand, with 1 for the dimensions it keeps so the batch size stays free', () => {
    const graph = exported((x) => expand(unsqueeze(x, 1), [-1, 5, 3, 4]));
    const node = onlyNode(graph, 'Expand');
    expect(constantInput(graph, node, 1).values).toEqual([1, 5, 1, 1]);
    expect(constantInput(exported((x) => expand(x, [6, 2, 3, 4])), onlyNode(exported((x) => expand(x, [6, 2, 3, 4])), 'Expand'), 1).values).toEqual([6, 1, 1, 1]);
  });

  it('cat and stack to Concat; split and chunk to a Slice per piece, the last running to the end', () => {
    expect(onlyNode(exported((x) => cat([x, mul(x, 2)], 2)), 'Concat').attributes).toEqual({ axis: 2 });
    const stacked = exported((x) => stack([x, x], 1));
    expect(opTypesOf(stacked)).toEqual(['Unsqueeze', 'Unsqueeze', 'Concat']);
    expect(onlyNode(stacked, 'Concat').attributes).toEqual({ axis: 1 });
    const pieces = exported((x) => cat(split(x, [1, 2], 1).reverse(), 1));
    expect([sliceOf(pieces, 0), sliceOf(pieces, 1)]).toEqual([[[0], [1], [1], [1]], [[1], [TO_THE_END], [1], [1]]]);
    const chunks = exported((x) => cat(chunk(x, 2, -1), 0));
    expect([sliceOf(chunks, 0), sliceOf(chunks, 1)]).toEqual([[[0], [2], [2], [1]], [[2], [TO_THE_END], [2], [1]]]);
  });

  it('slice and narrow to Slice with start, end and step, ending where the last entry taken is', () => {
    expect(sliceOf(exported((x) => slice(x, 2, 1, -1, 2)), 0)).toEqual([[1], [2], [2], [2]]);
    expect(sliceOf(exported((x) => slice(x, 2, 1, undefined, 2)), 0)).toEqual([[1], [TO_THE_END], [2], [2]]);
    expect(sliceOf(exported((x) => narrow(x, 1, 0, 2)), 0)).toEqual([[0], [2], [1], [1]]);
    expect(sliceOf(exported((x) => narrow(x, 1, -2, 2)), 0)).toEqual([[1], [TO_THE_END], [1], [1]]);
  });
});

describe('exportOnnx converts the indexing ops, casting float32 indices to int64 and back', () => {
  it('gather to GatherElements, reading an index computed in the graph without a round trip through float', () => {
    const graph = exported((x) => gather(x, 2, argmax(x, 2, true)));
    expect(opTypesOf(graph)).toEqual(['ArgMax', 'Cast', 'GatherElements']);
    const [argmaxNode, , gatherNode] = graph.nodes;
    expect(argmaxNode!.attributes).toEqual({ axis: 2, keepdims: 1 });
    expect(gatherNode!.inputs).toEqual(['input', argmaxNode!.outputs[0]]);
    expect(gatherNode!.attributes).toEqual({ axis: 2 });
  });

  it('a constant index tensor becomes an initializer cast to int64', () => {
    const index = tensor([[[1], [0], [2]], [[2], [2], [0]]]);
    const graph = exported((x) => gather(x, 2, index));
    expect(opTypesOf(graph)).toEqual(['Cast', 'GatherElements']);
    expect(graph.nodes[0]!.attributes).toEqual({ to: INT64 });
    expect(constantInput(graph, graph.nodes[0]!, 0).values).toEqual([1, 0, 2, 2, 2, 0]);
    index.dispose();
  });

  it('indexSelect to Gather; a 0-d index keeps its dimension through an Unsqueeze', () => {
    const index = tensor([3, 0]);
    const graph = exported((x) => indexSelect(x, 2, index));
    expect(opTypesOf(graph)).toEqual(['Cast', 'Gather']);
    expect(onlyNode(graph, 'Gather').attributes).toEqual({ axis: 2 });
    const scalar = tensor(1);
    expect(opTypesOf(exported((x) => indexSelect(x, 1, scalar)))).toEqual(['Cast', 'Unsqueeze', 'Gather']);
    index.dispose();
    scalar.dispose();
  });

  it('scatterAdd to ScatterElements with reduction add from opset 16', () => {
    const graph = exported((x) => scatterAdd(x, 2, topk(x, 2, { dim: 2 }).indices, mul(x, 3)), { opset: 16 });
    const node = onlyNode(graph, 'ScatterElements');
    expect(node.attributes).toEqual({ axis: 2, reduction: 'add' });
    expect(node.inputs[1]).toBe(onlyNode(graph, 'TopK').outputs[1]);
    expect(opTypesOf(graph)).toContain('Slice');
  });

  it('scatterAdd before opset 16 as a one-hot spread of the values summed, padded to x where the index is smaller', () => {
    const index = tensor([[[1, 0], [3, 3]]]);
    const graph = exported((x) => scatterAdd(x, 2, index, mul(x, 3)), { opset: 15, inputShape: [2, 3, 4] });
    expect(opTypesOf(graph)).toEqual(['Mul', 'Slice', 'Slice', 'Slice', 'Cast', 'OneHot', 'Unsqueeze', 'Mul', 'ReduceSum', 'Pad', 'Add']);
    const oneHotNode = onlyNode(graph, 'OneHot');
    expect([oneHotNode.attributes, constantInput(graph, oneHotNode, 1).values]).toEqual([{ axis: 3 }, [4]]);
    expect(constantInput(graph, onlyNode(graph, 'Pad'), 1).values).toEqual([0, 0, 0, 1, 1, 0]);
    index.dispose();
  });

  it('oneHot to OneHot with its class count as depth and 0/1 float values', () => {
    const graph = exported((x) => oneHot(argmax(x, -1), 4));
    const node = onlyNode(graph, 'OneHot');
    expect(node.attributes).toEqual({ axis: -1 });
    expect(node.inputs[0]).toBe(onlyNode(graph, 'ArgMax').outputs[0]);
    expect([constantInput(graph, node, 1).values, constantInput(graph, node, 2)]).toEqual([[4], { dims: [2], values: [0, 1] }]);
  });

  it('argmax and argmin along a dim, or over the flattened tensor, as int64 positions cast to float', () => {
    const along = exported((x) => argmin(x, 1));
    expect(opTypesOf(along)).toEqual(['ArgMin', 'Cast']);
    expect([along.nodes[0]!.attributes, along.nodes[1]!.attributes]).toEqual([{ axis: 1, keepdims: 0 }, { to: FLOAT }]);
    const flat = exported((x) => argmax(x, undefined, true));
    expect(opTypesOf(flat)).toEqual(['Reshape', 'ArgMax', 'Reshape', 'Cast']);
    expect(onlyNode(flat, 'ArgMax').attributes).toEqual({ axis: 0, keepdims: 0 });
    expect(constantInput(flat, flat.nodes[2]!, 1).values).toEqual([1, 1, 1]);
  });

  it('topk to TopK with k as an input, both outputs used: values directly, indices cast to float', () => {
    const graph = exported((x) => {
      const { values, indices } = topk(x, 2, { dim: 1, largest: false });
      return cat([values, indices], 2);
    });
    const node = onlyNode(graph, 'TopK');
    expect(node.attributes).toEqual({ axis: 1, largest: 0, sorted: 1 });
    expect(constantInput(graph, node, 1).values).toEqual([2]);
    const cast = onlyNode(graph, 'Cast');
    expect([cast.inputs, cast.attributes]).toEqual([[node.outputs[1]], { to: FLOAT }]);
    expect(onlyNode(graph, 'Concat').inputs).toEqual([node.outputs[0], cast.outputs[0]]);
  });
});

describe('exportOnnx converts comparisons and selections', () => {
  it('eq ne lt le gt ge to Equal, Not(Equal), Less, LessOrEqual, Greater, GreaterOrEqual, cast to a float mask', () => {
    const cases: [(a: Tensor, b: number) => Tensor, string[]][] = [
      [eq, ['Equal']], [ne, ['Equal', 'Not']], [lt, ['Less']], [le, ['LessOrEqual']], [gt, ['Greater']], [ge, ['GreaterOrEqual']],
    ];
    for (const [compare, ops] of cases) {
      const graph = exported((x) => compare(x, 0.5));
      expect(opTypesOf(graph)).toEqual([...ops, 'Cast']);
      expect(graph.nodes.at(-1)!.attributes).toEqual({ to: FLOAT });
    }
  });

  it('computes a mask from the input in the graph rather than freezing the traced values', () => {
    const graph = exported((x) => mul(x, gt(x, 0)));
    expect(opTypesOf(graph)).toEqual(['Greater', 'Cast', 'Mul']);
    expect([...graph.initializers.values()]).toEqual([{ dims: [], values: [0] }]);
  });

  it('where and maskedFill to Where on the comparison’s bool; a mask from elsewhere is cast to bool', () => {
    const graph = exported((x) => where(gt(x, 0), x, 0.5));
    const node = onlyNode(graph, 'Where');
    expect(node.inputs.slice(0, 2)).toEqual([onlyNode(graph, 'Greater').outputs[0], 'input']);
    expect(constantInput(graph, node, 2).values).toEqual([0.5]);
    const mask = tensor([1, 0, 0, 1]);
    const filled = exported((x) => maskedFill(x, mask, -1));
    expect(opTypesOf(filled)).toEqual(['Cast', 'Where']);
    expect(filled.nodes[0]!.attributes).toEqual({ to: BOOL });
    expect(constantInput(filled, filled.nodes[1]!, 1).values).toEqual([-1]);
    expect(filled.nodes[1]!.inputs[2]).toBe('input');
    mask.dispose();
  });

  it('abs to Abs, clamp to Clip leaving out an absent bound, minimum and maximum to Min and Max', () => {
    expect(opTypesOf(exported(abs))).toEqual(['Abs']);
    const upper = exported((x) => clamp(x, null, 1));
    expect(onlyNode(upper, 'Clip').inputs.slice(0, 2)).toEqual(['input', '']);
    expect(constantInput(upper, onlyNode(upper, 'Clip'), 2).values).toEqual([1]);
    const lower = onlyNode(exported((x) => clamp(x, -1)), 'Clip');
    expect(lower.inputs).toHaveLength(2);
    expect(opTypesOf(exported((x) => maximum(minimum(x, 1), 0)))).toEqual(['Min', 'Max']);
  });

  it('tril and triu to Trilu from opset 14, and to Where with a constant mask at opset 13', () => {
    const graph = exported((x) => triu(tril(x, 1), -1));
    expect(graph.nodes.map((node) => [node.opType, node.attributes.upper, constantInput(graph, node, 1)])).toEqual([
      ['Trilu', 0, { dims: [], values: [1] }],
      ['Trilu', 1, { dims: [], values: [-1] }],
    ]);
    const old = exported((x) => tril(x, -1), { opset: 13 });
    expect(opTypesOf(old)).toEqual(['Cast', 'Where']);
    expect(constantInput(old, old.nodes[0]!, 0)).toEqual({ dims: [3, 4], values: [0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0] });
  });
});

describe('exportOnnx converts the reductions and scans', () => {
  it('min to ReduceMin (axes an attribute before opset 18, an input from 18)', () => {
    expect(onlyNode(exported((x) => min(x, [1, 2], true)), 'ReduceMin').attributes).toEqual({ axes: [1, 2], keepdims: 1 });
    const graph = exported((x) => min(x, -1), { opset: 18 });
    expect(onlyNode(graph, 'ReduceMin').attributes).toEqual({ keepdims: 0 });
    expect(constantInput(graph, onlyNode(graph, 'ReduceMin'), 1).values).toEqual([2]);
  });

  it('logsumexp to one ReduceLogSumExp node, its stabilizing shift not frozen into the graph', () => {
    const graph = exported((x) => logsumexp(x, [0, 2]));
    expect(opTypesOf(graph)).toEqual(['ReduceLogSumExp']);
    expect(graph.nodes[0]!.attributes).toEqual({ axes: [0, 2], keepdims: 0 });
    expect(graph.initializers.size).toBe(0);
  });

  it('var and std as the recorded ops they are made of', () => {
    expect(opTypesOf(exported((x) => variance(x, 1)))).toEqual(['ReduceMean', 'Sub', 'Mul', 'ReduceSum', 'Div']);
    const graph = exported((x) => std(x, [1, 2], { correction: 0, keepdim: true }));
    expect(opTypesOf(graph)).toEqual(['ReduceMean', 'Sub', 'Mul', 'ReduceSum', 'Div', 'Sqrt']);
    expect(constantInput(graph, onlyNode(graph, 'Div'), 1).values).toEqual([12]);
  });

  it('cumsum to CumSum with its axis as a 0-d input', () => {
    const graph = exported((x) => cumsum(x, -1));
    const node = onlyNode(graph, 'CumSum');
    expect([node.attributes, constantInput(graph, node, 1)]).toEqual([{ reverse: 0 }, { dims: [], values: [2] }]);
  });
});

it('exports a model using every toolkit op, leaving no tensor behind', () => {
  const before = memory().tensors;
  const model = new ToolkitOps();
  const graph = readOnnxGraph(exportOnnx(model, { inputShape: [3, 4, 6] }));
  model.dispose();
  expect(memory().tensors).toBe(before);
  const expected = ['Transpose', 'Slice', 'Unsqueeze', 'Squeeze', 'Expand', 'Concat', 'Equal', 'Not', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'Where', 'Abs', 'Clip', 'Min', 'Max',
    'ReduceMin', 'ArgMax', 'ArgMin', 'TopK', 'GatherElements', 'Gather', 'OneHot', 'ScatterElements', 'CumSum', 'Trilu', 'ReduceMean', 'ReduceSum', 'Sqrt', 'ReduceLogSumExp'];
  expect(expected.filter((op) => !opTypesOf(graph).includes(op))).toEqual([]);
});

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
    expect(() => exportOnnx(new nn.Embedding(10, 4, { maxNorm: 1 }), { inputShape: [2, 3] })).toThrow(/^simdgrad: exportOnnx: cannot export an embedding with maxNorm/);
  });

  it('relu6: Clip between constants 0 and 6; hardsigmoid: HardSigmoid(1/6, 1/2)', () => {
    const clip = exportedNodes(exportOnnx(new nn.ReLU6(), { inputShape: [2, 3] }));
    expect(clip.map((n) => [n.opType, n.inputs.length])).toEqual([['Clip', 3]]);
    const [hard] = exportedNodes(exportOnnx(new nn.Hardsigmoid(), { inputShape: [2, 3] }));
    expect(hard!.opType).toBe('HardSigmoid');
    expect(hard!.attributes.alpha).toBeCloseTo(1 / 6, 7);
    expect(hard!.attributes.beta).toBe(0.5);
  });

  it('hardswish: HardSwish from opset 14, x · HardSigmoid(x) at 13; mish: Mish at opset 18, x · tanh(softplus(x)) before', () => {
    const types = (model: nn.Module, opset: number) => exportedNodes(exportOnnx(model, { inputShape: [2, 3], opset })).map((n) => n.opType);
    expect(types(new nn.Hardswish(), 17)).toEqual(['HardSwish']);
    expect(types(new nn.Hardswish(), 13)).toEqual(['HardSigmoid', 'Mul']);
    expect(types(new nn.Mish(), 18)).toEqual(['Mish']);
    expect(types(new nn.Mish(), 17)).toEqual(['Softplus', 'Tanh', 'Mul']);
  });

  it('conv1d: a 1-D Conv with its kernel, strides, pads, dilations and group', () => {
    const bytes = exportOnnx(new nn.Conv1d(4, 6, 3, { stride: 2, padding: 1, dilation: 2, groups: 2 }), { inputShape: [2, 4, 11] });
    const nodes = exportedNodes(bytes);
    expect(nodes.map((n) => n.opType)).toEqual(['Conv']);
    expect(nodes[0]!.inputs).toEqual(['input', 'weight', 'bias']);
    expect(nodes[0]!.attributes).toEqual({ kernel_shape: [3], strides: [2], pads: [1, 1], dilations: [2], group: 2 });
  });

  it('convTranspose2d: ConvTranspose with pads on all four sides and output_padding', () => {
    const layer = new nn.ConvTranspose2d(4, 6, [3, 2], { stride: 2, padding: [1, 0], outputPadding: [1, 0], dilation: [1, 2], groups: 2 });
    const [node] = exportedNodes(exportOnnx(layer, { inputShape: [1, 4, 5, 5] }));
    expect(node!.opType).toBe('ConvTranspose');
    expect(node!.inputs).toEqual(['input', 'weight', 'bias']);
    expect(node!.attributes).toEqual({ kernel_shape: [3, 2], strides: [2, 2], pads: [1, 0, 1, 0], output_padding: [1, 0], dilations: [1, 2], group: 2 });
  });

  it('groupNorm: InstanceNormalization over [N, groups, rest], reshaped back, then the per-channel weight and bias', () => {
    const bytes = exportOnnx(new nn.GroupNorm(3, 6, { eps: 1e-3 }), { inputShape: [2, 6, 4, 5] });
    const nodes = exportedNodes(bytes);
    expect(nodes.map((n) => n.opType)).toEqual(['Reshape', 'InstanceNormalization', 'Reshape', 'Reshape', 'Mul', 'Reshape', 'Add']);
    expect(nodes[1]!.attributes.epsilon).toBeCloseTo(1e-3, 9);
    expect(nodes[3]!.inputs[0]).toBe('weight');
    expect(nodes[5]!.inputs[0]).toBe('bias');
    expect(exportedNodes(exportOnnx(new nn.GroupNorm(3, 6, { affine: false }), { inputShape: [2, 6, 4] })).map((n) => n.opType)).toEqual(['Reshape', 'InstanceNormalization', 'Reshape']);
  });

  it('interpolate: Resize with scales for a scale factor, and with sizes from the input shape for a size', () => {
    const [nearest] = exportedNodes(exportOnnx(new nn.Upsample({ scaleFactor: 2 }), { inputShape: [1, 2, 3, 4] }));
    expect(nearest!.opType).toBe('Resize');
    expect(nearest!.inputs.slice(1, 2)).toEqual(['']);
    expect(nearest!.attributes).toEqual({ mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
    const sized = exportedNodes(exportOnnx(new nn.Upsample({ size: [5, 7], mode: 'bilinear', alignCorners: true }), { inputShape: [1, 2, 3, 4] }));
    expect(sized.map((n) => n.opType)).toEqual(['Shape', 'Slice', 'Concat', 'Resize']);
    expect(sized[3]!.inputs.slice(1, 3)).toEqual(['', '']);
    expect(sized[3]!.attributes).toEqual({ mode: 'linear', coordinate_transformation_mode: 'align_corners' });
    const [halfPixel] = exportedNodes(exportOnnx(new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' }), { inputShape: [1, 2, 3, 4] }));
    expect(halfPixel!.attributes).toEqual({ mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' });
    const [exact] = exportedNodes(exportOnnx(new nn.Upsample({ scaleFactor: 2, mode: 'nearest-exact' }), { inputShape: [1, 2, 3, 4] }));
    expect(exact!.attributes).toEqual({ mode: 'nearest', coordinate_transformation_mode: 'half_pixel', nearest_mode: 'round_prefer_ceil' });
    const recomputed = exportedNodes(exportOnnx(new nn.Upsample({ scaleFactor: 1.7, recomputeScaleFactor: true }), { inputShape: [1, 2, 3, 4] }));
    expect(recomputed.map((n) => n.opType)).toEqual(['Shape', 'Slice', 'Concat', 'Resize']);
  });
});

class CausalSelfAttention extends nn.Module {
  readonly attention = this.registerModule('attention', new nn.MultiheadAttention(8, 2, { batchFirst: true }));

  forward(x: Tensor): Tensor {
    return this.attention.forward(x, x, x, { isCausal: true, needWeights: false })[0];
  }
}

class SequenceFirstSelfAttention extends nn.Module {
  readonly attention = this.registerModule('attention', new nn.MultiheadAttention(8, 2));

  forward(x: Tensor): Tensor {
    return this.attention.forward(x, x, x, { needWeights: false })[0];
  }
}

describe('the ONNX converters of attention', () => {
  it('packed self-attention, sequence first and without the causal cut: the same heads, attention and merge, with sequence-first perms', () => {
    const nodes = exportedNodes(exportOnnx(new SequenceFirstSelfAttention(), { inputShape: [5, 2, 8] }));
    const heads = ['Slice', 'Reshape', 'Transpose'];
    expect(nodes.map((n) => n.opType)).toEqual([
      'Transpose', 'MatMul', 'Add', ...heads, ...heads, ...heads,
      'Transpose', 'MatMul', 'Mul', 'Softmax', 'MatMul', 'Transpose', 'Reshape',
      'Transpose', 'MatMul', 'Add',
    ]);
    const perms = nodes.filter((n) => n.opType === 'Transpose').map((n) => n.attributes.perm);
    expect(perms).toEqual([[1, 0], [1, 2, 0, 3], [1, 2, 0, 3], [1, 2, 0, 3], [0, 1, 3, 2], [2, 0, 1, 3], [1, 0]]);
  });

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
