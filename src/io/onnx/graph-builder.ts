import type { Tensor } from '../../tensor.js';
import type { OnnxAttribute, OnnxNode, OnnxTensor } from './onnx-proto.js';

/**
 * The ONNX graph a traced forward pass becomes: names for the tensors it has seen, the nodes
 * computing them, and initializers for what is constant (parameters and buffers under their
 * state-dict names, other constants under fresh names). It also knows which values depend on
 * the batch size, so reshapes and the output can keep the batch dimension symbolic.
 */
export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly names = new Map<Tensor, string>();
  private readonly batchDependent = new Set<string>();
  private readonly opCounts = new Map<string, number>();
  private constants = 0;

  constructor(
    readonly opset: number,
    readonly dynamicBatch: boolean,
    private readonly stateNames: ReadonlyMap<Tensor, string>,
  ) {}

  /** Names the graph input. */
  input(tensor: Tensor, name: string): void {
    this.names.set(tensor, name);
    this.batchDependent.add(name);
  }

  /** Names `tensor` as the value `name`, which a node already computes. */
  bind(tensor: Tensor, name: string): void {
    this.names.set(tensor, name);
  }

  /** The value holding `tensor`; a tensor no op computed becomes an initializer holding its current values. */
  value(tensor: Tensor): string {
    const known = this.names.get(tensor);
    if (known !== undefined) return known;
    const name = this.stateNames.get(tensor) ?? `constant_${this.constants++}`;
    this.initializers.push({ name, dims: [...tensor.shape], data: tensor.toFloat32Array() });
    this.names.set(tensor, name);
    return name;
  }

  /** A float32 constant. */
  floats(values: ArrayLike<number>, dims: readonly number[] = []): string {
    return this.addConstant(Float32Array.from(values), dims);
  }

  /** An int64 constant, as ONNX wants for shapes and axes; a 1-D list by default. */
  int64s(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.addConstant(BigInt64Array.from(values.map(BigInt)), dims);
  }

  /** Adds a node and returns the name of its output, which depends on the batch if an input does. */
  node(opType: string, inputs: readonly string[], attributes?: Record<string, OnnxAttribute>): string {
    const count = this.opCounts.get(opType) ?? 0;
    this.opCounts.set(opType, count + 1);
    const name = `${opType}_${count}`;
    const output = `${name}_output`;
    this.nodes.push({ opType, name, inputs, outputs: [output], ...(attributes ? { attributes } : {}) });
    if (inputs.some((input) => this.batchDependent.has(input))) this.batchDependent.add(output);
    return output;
  }

  /** A node with several outputs (ONNX's LSTM gives Y, Y_h and Y_c): their names, in order. */
  nodeOutputs(opType: string, inputs: readonly string[], count: number, attributes?: Record<string, OnnxAttribute>): string[] {
    const first = this.node(opType, inputs, attributes);
    const node = this.nodes[this.nodes.length - 1]!;
    const outputs = [first, ...Array.from({ length: count - 1 }, (_, i) => `${node.name}_output_${i + 1}`)];
    node.outputs = outputs;
    if (this.batchDependent.has(first)) outputs.forEach((name) => this.batchDependent.add(name));
    return outputs;
  }

  dependsOnBatch(name: string): boolean {
    return this.batchDependent.has(name);
  }

  /** Renames a value everywhere (to give the graph output its public name). */
  rename(from: string, to: string): void {
    for (const node of this.nodes) {
      node.inputs = node.inputs.map((name) => (name === from ? to : name));
      node.outputs = node.outputs.map((name) => (name === from ? to : name));
    }
    if (this.batchDependent.has(from)) this.batchDependent.add(to);
  }

  isNodeOutput(name: string): boolean {
    return this.nodes.some((node) => node.outputs.includes(name));
  }

  private addConstant(data: Float32Array | BigInt64Array, dims: readonly number[]): string {
    const name = `constant_${this.constants++}`;
    this.initializers.push({ name, dims: [...dims], data });
    return name;
  }
}
