import { ProtoWriter } from './protobuf.js';

/**
 * ONNX's messages (onnx/onnx.proto) as plain objects, and their encoding. Only the fields an
 * exported inference graph uses; the field numbers are onnx.proto's.
 */

export type OnnxAttribute = { int: number } | { ints: readonly number[] } | { float: number } | { string: string } | { strings: readonly string[] };

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Record<string, OnnxAttribute>;
}

/** A constant: float32 values (weights) or int64 values (shapes, axes). */
export interface OnnxTensor {
  name: string;
  dims: readonly number[];
  data: Float32Array | BigInt64Array;
}

/** A graph input or output; a string dimension is symbolic (e.g. 'batch'). */
export interface OnnxValueInfo {
  name: string;
  dims: readonly (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxTensor[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  opsetVersion: number;
  producerName: string;
  graph: OnnxGraph;
}

const ModelProto = { irVersion: 1, producerName: 2, graph: 7, opsetImport: 8 };
const OperatorSetIdProto = { domain: 1, version: 2 };
const GraphProto = { node: 1, name: 2, initializer: 5, input: 11, output: 12 };
const NodeProto = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 };
const AttributeProto = { name: 1, f: 2, i: 3, s: 4, ints: 8, strings: 9, type: 20 };
const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7, STRINGS: 8 };
const TensorProto = { dims: 1, dataType: 2, name: 8, rawData: 9 };
const DataType = { FLOAT: 1, INT64: 7 };
const ValueInfoProto = { name: 1, type: 2 };
const TypeProto = { tensorType: 1 };
const TypeProtoTensor = { elemType: 1, shape: 2 };
const TensorShapeProto = { dim: 1 };
const Dimension = { dimValue: 1, dimParam: 2 };

export function encodeModel(model: OnnxModel): Uint8Array {
  const opset = new ProtoWriter().string(OperatorSetIdProto.domain, '').int(OperatorSetIdProto.version, model.opsetVersion);
  return new ProtoWriter()
    .int(ModelProto.irVersion, model.irVersion)
    .string(ModelProto.producerName, model.producerName)
    .message(ModelProto.graph, encodeGraph(model.graph))
    .message(ModelProto.opsetImport, opset)
    .finish();
}

function encodeGraph(graph: OnnxGraph): ProtoWriter {
  const out = new ProtoWriter();
  for (const node of graph.nodes) out.message(GraphProto.node, encodeNode(node));
  out.string(GraphProto.name, graph.name);
  for (const tensor of graph.initializers) out.message(GraphProto.initializer, encodeTensor(tensor));
  for (const input of graph.inputs) out.message(GraphProto.input, encodeValueInfo(input));
  for (const output of graph.outputs) out.message(GraphProto.output, encodeValueInfo(output));
  return out;
}

function encodeNode(node: OnnxNode): ProtoWriter {
  const out = new ProtoWriter();
  for (const input of node.inputs) out.string(NodeProto.input, input);
  for (const output of node.outputs) out.string(NodeProto.output, output);
  out.string(NodeProto.name, node.name).string(NodeProto.opType, node.opType);
  for (const [name, value] of Object.entries(node.attributes ?? {})) out.message(NodeProto.attribute, encodeAttribute(name, value));
  return out;
}

function encodeAttribute(name: string, value: OnnxAttribute): ProtoWriter {
  const out = new ProtoWriter().string(AttributeProto.name, name);
  if ('int' in value) return out.int(AttributeProto.i, value.int).int(AttributeProto.type, AttributeType.INT);
  if ('float' in value) return out.float(AttributeProto.f, value.float).int(AttributeProto.type, AttributeType.FLOAT);
  if ('string' in value) return out.string(AttributeProto.s, value.string).int(AttributeProto.type, AttributeType.STRING);
  if ('strings' in value) {
    for (const text of value.strings) out.string(AttributeProto.strings, text);
    return out.int(AttributeProto.type, AttributeType.STRINGS);
  }
  return out.ints(AttributeProto.ints, value.ints).int(AttributeProto.type, AttributeType.INTS);
}

function encodeTensor(tensor: OnnxTensor): ProtoWriter {
  const isFloat = tensor.data instanceof Float32Array;
  const raw = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  return new ProtoWriter()
    .ints(TensorProto.dims, tensor.dims)
    .int(TensorProto.dataType, isFloat ? DataType.FLOAT : DataType.INT64)
    .string(TensorProto.name, tensor.name)
    .bytes(TensorProto.rawData, littleEndian(raw, isFloat ? 4 : 8));
}

function encodeValueInfo(info: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const dim of info.dims) {
    const dimension = typeof dim === 'string' ? new ProtoWriter().string(Dimension.dimParam, dim) : new ProtoWriter().int(Dimension.dimValue, dim);
    shape.message(TensorShapeProto.dim, dimension);
  }
  const tensorType = new ProtoWriter().int(TypeProtoTensor.elemType, DataType.FLOAT).message(TypeProtoTensor.shape, shape);
  return new ProtoWriter().string(ValueInfoProto.name, info.name).message(ValueInfoProto.type, new ProtoWriter().message(TypeProto.tensorType, tensorType));
}

// ONNX's raw_data is little-endian whatever the machine; typed arrays use the machine's order.
const machineIsLittleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function littleEndian(bytes: Uint8Array, width: number): Uint8Array {
  if (machineIsLittleEndian) return bytes;
  const swapped = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += width) {
    for (let j = 0; j < width; j++) swapped[i + j] = bytes[i + width - 1 - j]!;
  }
  return swapped;
}
