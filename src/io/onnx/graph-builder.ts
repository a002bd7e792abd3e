import type { Tensor } from '../../tensor.js';
import type { OnnxAttribute, OnnxNode, OnnxTensor } from './onnx-proto.js';

/** The element types an exported graph computes in: float32 tensors, int64 indices, bool masks. */
export type ElementType = 'float' | 'int64' | 'bool';

// onnx.proto's TensorProto.DataType numbers.
const ONNX_ELEMENT_TYPE: Record<ElementType, number> = { float: 1, int64: 7, bool: 9 };

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
  private readonly casts = new Map<string, string>();
  private readonly castSources = new Map<string, { value: string; type: ElementType }>();
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
    return this.nodeWithOutputs(opType, inputs, 1, attributes)[0]!;
  }

  /** Adds a node with several outputs (TopK's values and indices) and returns their names. */
  nodeWithOutputs(opType: string, inputs: readonly string[], outputCount: number, attributes?: Record<string, OnnxAttribute>): string[] {
    const count = this.opCounts.get(opType) ?? 0;
    this.opCounts.set(opType, count + 1);
    const name = `${opType}_${count}`;
    const outputs = Array.from({ length: outputCount }, (_, i) => (outputCount === 1 ? `${name}_output` : `${name}_output_${i}`));
    this.nodes.push({ opType, name, inputs, outputs, ...(attributes ? { attributes } : {}) });
    if (inputs.some((input) => this.batchDependent.has(input))) outputs.forEach((output) => this.batchDependent.add(output));
    return outputs;
  }

  /**
   * `value`, of element type `from`, cast to `to`. Our tensors are float32, so a mask or an
   * index is cast to float after the node computing it and back before the node reading it:
   * casting a value that is itself a cast from `to` gives that source back instead.
   */
  cast(value: string, from: ElementType, to: ElementType): string {
    if (from === to) return value;
    const source = this.castSources.get(value);
    if (source?.type === to) return source.value;
    const key = `${value} ${to}`;
    const known = this.casts.get(key);
    if (known !== undefined) return known;
    const out = this.node('Cast', [value], { to: { int: ONNX_ELEMENT_TYPE[to] } });
    this.casts.set(key, out);
    this.castSources.set(out, { value, type: from });
    return out;
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
