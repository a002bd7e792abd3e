import { messages, readMessage, text, type Fields } from './protobuf-reader.js';

// Field numbers of onnx.proto, to read exported bytes back.
const MODEL_GRAPH = 7;
const GRAPH = { node: 1, initializer: 5 };
const NODE = { input: 1, output: 2, opType: 4, attribute: 5 };
const ATTRIBUTE = { name: 1, f: 2, i: 3, s: 4, ints: 8 };

/** One node of an exported graph: its type, input and output names, and attributes as numbers. */
export interface ExportedNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, number | number[] | string>;
}

export function exportedNodes(bytes: Uint8Array): ExportedNode[] {
  const graph = messages(readMessage(bytes), MODEL_GRAPH)[0]!;
  return messages(graph, GRAPH.node).map((node) => ({
    opType: text(node.get(NODE.opType)![0]),
    inputs: (node.get(NODE.input) ?? []).map(text),
    outputs: (node.get(NODE.output) ?? []).map(text),
    attributes: Object.fromEntries(messages(node, NODE.attribute).map((a) => [text(a.get(ATTRIBUTE.name)![0]), attributeValue(a)])),
  }));
}

/** The names of the graph's initializers (parameters, buffers and constants). */
export function initializerNames(bytes: Uint8Array): string[] {
  const graph = messages(readMessage(bytes), MODEL_GRAPH)[0]!;
  return messages(graph, GRAPH.initializer).map((t) => text(t.get(8)![0]));
}

function attributeValue(attribute: Fields): number | number[] | string {
  if (attribute.has(ATTRIBUTE.s)) return text(attribute.get(ATTRIBUTE.s)![0]);
  if (attribute.has(ATTRIBUTE.f)) return attribute.get(ATTRIBUTE.f)![0] as number;
  if (attribute.has(ATTRIBUTE.i)) return Number(BigInt.asIntN(64, attribute.get(ATTRIBUTE.i)![0] as bigint));
  return packedInts(attribute.get(ATTRIBUTE.ints)?.[0] as Uint8Array | undefined);
}

function packedInts(bytes: Uint8Array | undefined): number[] {
  const values: number[] = [];
  if (!bytes) return values;
  let value = 0n;
  let shift = 0n;
  for (const byte of bytes) {
    value |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if (byte < 0x80) {
      values.push(Number(BigInt.asIntN(64, value)));
      value = 0n;
      shift = 0n;
    }
  }
  return values;
}
