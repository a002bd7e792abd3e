import { messages, readMessage, strings, text, type Fields } from './protobuf-reader.js';

/** One node of an exported graph, read back: attribute values as numbers, number lists, floats or strings. */
export interface ReadNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, number | number[] | string>;
}

/** An initializer read back: int64 values as numbers. */
export interface ReadInitializer {
  dims: number[];
  values: number[];
}

export interface ReadGraph {
  opset: number;
  nodes: ReadNode[];
  initializers: Map<string, ReadInitializer>;
}

// Field numbers of onnx.proto.
const MODEL = { graph: 7, opsetImport: 8 };
const GRAPH = { node: 1, initializer: 5 };
const NODE = { input: 1, output: 2, opType: 4, attribute: 5 };
const ATTRIBUTE = { name: 1, f: 2, i: 3, s: 4, ints: 8 };
const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9 };
const INT64 = 7;

/** Reads the nodes and initializers of an ONNX model's bytes. */
export function readOnnxGraph(bytes: Uint8Array): ReadGraph {
  const model = readMessage(bytes);
  const graph = messages(model, MODEL.graph)[0]!;
  const opset = Number(messages(model, MODEL.opsetImport)[0]!.get(2)![0]);
  const nodes = messages(graph, GRAPH.node).map((node) => ({
    opType: text(node.get(NODE.opType)![0]),
    inputs: strings(node, NODE.input),
    outputs: strings(node, NODE.output),
    attributes: Object.fromEntries(messages(node, NODE.attribute).map((a) => [text(a.get(ATTRIBUTE.name)![0]), attributeValue(a)])),
  }));
  const initializers = new Map(messages(graph, GRAPH.initializer).map((t) => [text(t.get(TENSOR.name)![0]), readInitializer(t)] as const));
  return { opset, nodes, initializers };
}

/** The op types of the nodes, in order. */
export function opTypesOf(graph: ReadGraph): string[] {
  return graph.nodes.map((node) => node.opType);
}

/** The one node of `opType` (throws if there is not exactly one). */
export function onlyNode(graph: ReadGraph, opType: string): ReadNode {
  const found = graph.nodes.filter((node) => node.opType === opType);
  if (found.length !== 1) throw new Error(`expected one ${opType} node, found ${found.length} in ${opTypesOf(graph).join(', ')}`);
  return found[0]!;
}

/** The values of the initializer that a node reads as its input `index`. */
export function constantInput(graph: ReadGraph, node: ReadNode, index: number): ReadInitializer {
  const initializer = graph.initializers.get(node.inputs[index]!);
  if (!initializer) throw new Error(`input ${index} of ${node.opType} (${node.inputs[index]}) is not an initializer`);
  return initializer;
}

function attributeValue(attribute: Fields): number | number[] | string {
  if (attribute.has(ATTRIBUTE.i)) return Number(BigInt.asIntN(64, attribute.get(ATTRIBUTE.i)![0] as bigint));
  if (attribute.has(ATTRIBUTE.f)) return attribute.get(ATTRIBUTE.f)![0] as number;
  if (attribute.has(ATTRIBUTE.s)) return text(attribute.get(ATTRIBUTE.s)![0]);
  return attribute.has(ATTRIBUTE.ints) ? packedInts(attribute.get(ATTRIBUTE.ints)![0] as Uint8Array) : [];
}

function readInitializer(tensor: Fields): ReadInitializer {
  const dims = tensor.has(TENSOR.dims) ? packedInts(tensor.get(TENSOR.dims)![0] as Uint8Array) : [];
  const raw = (tensor.get(TENSOR.rawData)?.[0] as Uint8Array | undefined)?.slice() ?? new Uint8Array(0);
  const isInt64 = Number(tensor.get(TENSOR.dataType)![0]) === INT64;
  const values = isInt64 ? Array.from(new BigInt64Array(raw.buffer), Number) : Array.from(new Float32Array(raw.buffer));
  return { dims, values };
}

// A packed repeated int64 field: varints, negative values in ten bytes.
function packedInts(bytes: Uint8Array): number[] {
  const values: number[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    let value = 0n;
    let shift = 0n;
    for (;;) {
      const byte = bytes[offset++]!;
      value |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if (byte < 0x80) break;
    }
    values.push(Number(BigInt.asIntN(64, value)));
  }
  return values;
}

/** The nodes of an ONNX model's bytes, in order. */
export function exportedNodes(bytes: Uint8Array): ReadNode[] {
  return readOnnxGraph(bytes).nodes;
}

/** The names of the graph's initializers (parameters, buffers and constants). */
export function initializerNames(bytes: Uint8Array): string[] {
  return [...readOnnxGraph(bytes).initializers.keys()];
}
