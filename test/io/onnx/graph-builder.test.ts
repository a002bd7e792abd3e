import { describe, expect, it } from 'vitest';
import { tensor } from 'simdgrad';
import { GraphBuilder } from '../../../src/io/onnx/graph-builder.js';

describe('GraphBuilder', () => {
  it('names parameters by their state-dict names and other tensors as numbered constants, each once', () => {
    const weight = tensor([[1, 2]]);
    const scale = tensor([3]);
    const g = new GraphBuilder(17, true, new Map([[weight, 'fc.weight']]));
    expect([g.value(weight), g.value(scale), g.value(weight), g.int64s([0, -1])]).toEqual(['fc.weight', 'constant_0', 'fc.weight', 'constant_1']);
    expect(g.initializers.map(({ name, dims }) => [name, dims])).toEqual([['fc.weight', [1, 2]], ['constant_0', [1]], ['constant_1', [2]]]);
    expect(g.initializers[2]!.data).toEqual(BigInt64Array.of(0n, -1n));
  });

  it('knows which values depend on the batch: those computed from the input', () => {
    const input = tensor([1, 2]);
    const g = new GraphBuilder(17, true, new Map());
    g.input(input, 'input');
    const fromInput = g.node('Relu', ['input']);
    const fromConstant = g.node('Neg', [g.floats([1])]);
    const mixed = g.node('Add', [fromConstant, fromInput]);
    expect([fromInput, fromConstant, mixed]).toEqual(['Relu_0_output', 'Neg_0_output', 'Add_0_output']);
    expect([fromInput, fromConstant, mixed].map((name) => g.dependsOnBatch(name))).toEqual([true, false, true]);
  });

  it('renames a value in every node that reads or writes it', () => {
    const g = new GraphBuilder(17, true, new Map());
    const hidden = g.node('Relu', ['input']);
    g.node('Sigmoid', [hidden]);
    g.rename(hidden, 'features');
    expect(g.nodes.map((node) => [node.inputs, node.outputs])).toEqual([[['input'], ['features']], [['features'], ['Sigmoid_0_output']]]);
    expect(g.isNodeOutput('features')).toBe(true);
    expect(g.isNodeOutput('input')).toBe(false);
  });

  it('casts each value once per type, and casting a cast back gives its source', () => {
    const g = new GraphBuilder(17, true, new Map());
    const positions = g.node('ArgMax', ['input'], { axis: { int: 1 } });
    const asFloat = g.cast(positions, 'int64', 'float');
    expect([g.cast(positions, 'int64', 'float'), g.cast(asFloat, 'float', 'int64'), g.cast(asFloat, 'float', 'float')]).toEqual([asFloat, positions, asFloat]);
    const asBool = g.cast(asFloat, 'float', 'bool');
    expect(g.nodes.map((node) => [node.opType, node.inputs, node.attributes])).toEqual([
      ['ArgMax', ['input'], { axis: { int: 1 } }],
      ['Cast', [positions], { to: { int: 1 } }],
      ['Cast', [asFloat], { to: { int: 9 } }],
    ]);
    expect(g.cast(asBool, 'bool', 'float')).toBe(asFloat);
  });

  it('adds nodes with several outputs, each depending on the batch if an input does', () => {
    const g = new GraphBuilder(17, true, new Map());
    g.input(tensor([1, 2]), 'input');
    const outputs = g.nodeWithOutputs('TopK', ['input', g.int64s([1])], 2, { axis: { int: -1 } });
    expect(outputs).toEqual(['TopK_0_output_0', 'TopK_0_output_1']);
    expect(g.nodes[0]!.outputs).toEqual(outputs);
    expect(outputs.map((name) => g.dependsOnBatch(name))).toEqual([true, true]);
  });
});
