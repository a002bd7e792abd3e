import { describe, expect, it } from 'vitest';
import { F, exportOnnx, io, memory, nn, relu, tensor, type Tensor } from 'simdgrad';
import { messages, readMessage, strings, text, type Fields } from '../../helpers/protobuf-reader.js';

// Field numbers of onnx.proto, to read the exported bytes back.
const MODEL = { irVersion: 1, producerName: 2, graph: 7, opsetImport: 8 };
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12 };
const NODE = { input: 1, output: 2, opType: 4, attribute: 5 };
const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9 };

function readGraph(bytes: Uint8Array): { model: Fields; graph: Fields } {
  const model = readMessage(bytes);
  return { model, graph: messages(model, MODEL.graph)[0]! };
}

function opTypes(graph: Fields): string[] {
  return messages(graph, GRAPH.node).map((node) => text(node.get(NODE.opType)![0]));
}

/** The dims of a graph input or output: numbers, or the symbolic name. */
function valueDims(info: Fields): (number | string)[] {
  const tensorType = messages(messages(info, 2)[0]!, 1)[0]!;
  return messages(messages(tensorType, 2)[0]!, 1).map((dim) => (dim.has(1) ? Number(dim.get(1)![0]) : text(dim.get(2)![0])));
}

class WithLoss extends nn.Module {
  readonly fc = this.registerModule('fc', new nn.Linear(4, 3));
  forward(x: Tensor): Tensor {
    return F.crossEntropy(this.fc.forward(x), tensor([0, 1]));
  }
}

describe('exportOnnx', () => {
  it('writes IR 8 at opset 17, parameters as initializers under their state-dict names, and a symbolic batch dimension', () => {
    const model = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
    const { model: proto, graph } = readGraph(exportOnnx(model, { inputShape: [5, 4] }));
    expect(proto.get(MODEL.irVersion)).toEqual([8n]);
    expect(text(proto.get(MODEL.producerName)![0])).toBe('simdgrad');
    expect(messages(proto, MODEL.opsetImport)[0]!.get(2)).toEqual([17n]);
    expect(opTypes(graph)).toEqual(['Gemm', 'Relu', 'Gemm']);
    const initializers = messages(graph, GRAPH.initializer);
    expect(initializers.map((t) => text(t.get(TENSOR.name)![0]))).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const weight = initializers[0]!;
    expect(new Float32Array((weight.get(TENSOR.rawData)![0] as Uint8Array).slice().buffer)).toEqual(model.stateDict().get('0.weight')!.data);
    expect(valueDims(messages(graph, GRAPH.input)[0]!)).toEqual(['batch', 4]);
    expect(valueDims(messages(graph, GRAPH.output)[0]!)).toEqual(['batch', 2]);
    expect(strings(messages(graph, GRAPH.output)[0]!, 1)).toEqual(['output']);
  });

  it('keeps every dimension fixed with dynamicBatch: false, and names the input and output as asked', () => {
    const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(6, 2));
    const { graph } = readGraph(exportOnnx(model, { inputShape: [3, 2, 3], dynamicBatch: false, inputName: 'pixels', outputName: 'logits' }));
    expect(opTypes(graph)).toEqual(['Flatten', 'Gemm']);
    expect(valueDims(messages(graph, GRAPH.input)[0]!)).toEqual([3, 2, 3]);
    expect(strings(messages(graph, GRAPH.input)[0]!, 1)).toEqual(['pixels']);
    expect(valueDims(messages(graph, GRAPH.output)[0]!)).toEqual([3, 2]);
    expect(strings(messages(graph, GRAPH.node)[1]!, NODE.output)).toEqual(['logits']);
  });

  it('exports in eval mode (Dropout as Identity, BatchNorm with running statistics) and restores each module’s mode', () => {
    const dropout = new nn.Dropout(0.5);
    const norm = new nn.BatchNorm1d(3);
    const model = new nn.Sequential(new nn.Linear(2, 3), norm, dropout);
    norm.eval();
    const { graph } = readGraph(exportOnnx(model, { inputShape: [4, 2] }));
    expect(opTypes(graph)).toEqual(['Gemm', 'BatchNormalization', 'Identity']);
    expect(messages(graph, GRAPH.initializer).map((t) => text(t.get(TENSOR.name)![0]))).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var']);
    expect([model.training, norm.training, dropout.training]).toEqual([true, false, true]);
  });

  it('gives a model that returns its input an Identity node, and writes scalar constants as initializers', () => {
    expect(opTypes(readGraph(exportOnnx(new nn.Identity(), { inputShape: [2] })).graph)).toEqual(['Identity']);
    class Scaled extends nn.Module {
      forward(x: Tensor): Tensor {
        return relu(x.mul(2));
      }
    }
    const { graph } = readGraph(exportOnnx(new Scaled(), { inputShape: [2, 2] }));
    expect(opTypes(graph)).toEqual(['Mul', 'Relu']);
    const constant = messages(graph, GRAPH.initializer)[0]!;
    expect(constant.get(TENSOR.dims)).toBeUndefined();
    expect(new Float32Array((constant.get(TENSOR.rawData)![0] as Uint8Array).slice().buffer)).toEqual(Float32Array.of(2));
  });

  it('frees everything the trace allocated, also when it fails', () => {
    const model = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.ReLU(), new nn.MaxPool2d(2));
    const before = memory().tensors;
    exportOnnx(model, { inputShape: [1, 1, 8, 8] });
    expect(memory().tensors).toBe(before);
    expect(() => exportOnnx(new WithLoss(), { inputShape: [2, 4] })).toThrow();
    expect(memory().tensors).toBe(before + 2);
  });

  it("throws naming an op it cannot export, and ops whose ONNX form needs something else", () => {
    expect(() => exportOnnx(new WithLoss(), { inputShape: [2, 4] })).toThrow(/^simdgrad: exportOnnx: cannot export op 'crossEntropy' \(output \[\]\): ONNX export covers linear, linearRelu, matmul, conv2d/);
    const adaptive = new nn.Sequential(new nn.AdaptiveAvgPool2d(3));
    expect(() => exportOnnx(adaptive, { inputShape: [1, 1, 8, 8] })).toThrow('simdgrad: exportOnnx: cannot export adaptiveAvgPool2d from 8x8 to 3x3: ONNX has no adaptive pooling');
    expect(() => exportOnnx(new nn.LayerNorm(4), { inputShape: [2, 4], opset: 13 })).toThrow('simdgrad: exportOnnx: cannot export layerNorm at opset 13: LayerNormalization needs opset 17 or later');
    const untracked = new nn.BatchNorm1d(3, { trackRunningStats: false });
    expect(() => exportOnnx(untracked, { inputShape: [2, 3] })).toThrow('simdgrad: exportOnnx: cannot export batchNorm with batch statistics');
  });

  it('checks its arguments before tracing', () => {
    const model = new nn.Linear(2, 2);
    expect(() => exportOnnx({} as nn.Module, { inputShape: [1, 2] })).toThrow('simdgrad: exportOnnx: the first argument must be a Module');
    expect(() => exportOnnx(model, { inputShape: [1, 0] })).toThrow('simdgrad: exportOnnx: inputShape must be a non-empty array of positive integers, e.g. { inputShape: [1, 784] }; got [1, 0].');
    expect(() => exportOnnx(model, { inputShape: [1, 2], opset: 11 })).toThrow('simdgrad: exportOnnx: opset must be an integer from 13 to 18, got 11');
    expect(() => exportOnnx(model, { inputShape: [1, 2], dynamicBatch: 'yes' as unknown as boolean })).toThrow('simdgrad: exportOnnx: dynamicBatch must be true or false, got yes.');
    expect(() => exportOnnx(model, { inputShape: [1, 2], inputName: 'x', outputName: 'x' })).toThrow("simdgrad: exportOnnx: inputName and outputName are both 'x'");
  });

  it('is also io.exportOnnx', () => {
    expect(io.exportOnnx).toBe(exportOnnx);
  });
});
