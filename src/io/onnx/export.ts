import { enableGrad } from '../../autograd/grad-mode.js';
import { traceOps, type TracedOp } from '../../autograd/node.js';
import { zeros } from '../../creation.js';
import type { AnyModule } from '../../nn/module.js';
import { tidy } from '../../scope.js';
import { formatShape } from '../../shape-util.js';
import { Tensor } from '../../tensor.js';
import { GraphBuilder } from './graph-builder.js';
import { encodeModel, type OnnxValueInfo } from './onnx-proto.js';
import { converterFor } from './op-converters.js';

export interface ExportOnnxOptions {
  /** The shape of the one input tensor the model is traced with, e.g. [1, 3, 32, 32] (required). */
  inputShape: readonly number[];
  /** The ONNX operator set (default 17, the first with LayerNormalization); 13 to 18. */
  opset?: number;
  /** Leave the first (batch) dimension symbolic, so the model runs on any batch size (default true). */
  dynamicBatch?: boolean;
  /** The graph input's name (default 'input'). */
  inputName?: string;
  /** The graph output's name (default 'output'). */
  outputName?: string;
}

const MIN_OPSET = 13;
const MAX_OPSET = 18;
// ONNX IR version 8 (ONNX 1.10 to 1.13) covers opsets 13 to 18.
const IR_VERSION = 8;
const BATCH = 'batch';

/**
 * The model as an ONNX file, for onnxruntime and every other ONNX runtime, as torch.onnx.export:
 * one forward pass in eval mode on a zero input of `inputShape` is traced, each op it records
 * becomes ONNX nodes, and the parameters and buffers become initializers named as in the state
 * dict. Like any trace, it captures the ops of that one pass: values the forward reads back
 * into JavaScript (control flow on data) are frozen as constants. Throws naming any op that
 * cannot be exported.
 */
export function exportOnnx(model: AnyModule, options: ExportOnnxOptions): Uint8Array {
  const { inputShape, opset = 17, dynamicBatch = true, inputName = 'input', outputName = 'output' } = options ?? ({} as ExportOnnxOptions);
  checkOptions(model, inputShape, opset, dynamicBatch, inputName, outputName);
  const stateNames = new Map<Tensor, string>([...model.namedParameters(), ...model.namedBuffers()].map(([name, t]) => [t, name]));
  const g = new GraphBuilder(opset, dynamicBatch, stateNames);
  const output = withEvalMode(model, () => traceForward(model, g, inputShape, inputName));
  const outputValue = nameOutput(g, output.name, outputName);
  const batchDims = (dims: readonly number[], symbolic: boolean): (number | string)[] => dims.map((d, i) => (i === 0 && symbolic ? BATCH : d));
  const inputInfo: OnnxValueInfo = { name: inputName, dims: batchDims(inputShape, dynamicBatch) };
  const outputInfo: OnnxValueInfo = { name: outputValue, dims: batchDims(output.shape, dynamicBatch && g.dependsOnBatch(outputValue) && output.shape[0] === inputShape[0]) };
  return encodeModel({
    irVersion: IR_VERSION,
    opsetVersion: opset,
    producerName: 'simdgrad',
    graph: { name: model.constructor.name, nodes: g.nodes, initializers: g.initializers, inputs: [inputInfo], outputs: [outputInfo] },
  });
}

// Failures are held until the forward pass has finished and tidy() has freed what it allocated
// (an op interrupted halfway, or tidy left by an exception, would leak).
function traceForward(model: AnyModule, g: GraphBuilder, inputShape: readonly number[], inputName: string): { name: string; shape: number[] } {
  let failure: { error: unknown } | null = null;
  const convert = (out: Tensor, op: TracedOp): void => {
    if (failure) return;
    try {
      g.bind(out, converterFor(op, out)(g, op, out));
    } catch (error) {
      failure = { error };
    }
  };
  const output = tidy(() => {
    try {
      return enableGrad(() => traceOps(convert, () => forwardOnZeros(model, g, inputShape, inputName)));
    } catch (error) {
      failure ??= { error };
      return null;
    }
  });
  if (failure || !output) throw (failure as { error: unknown } | null)?.error;
  return output;
}

function forwardOnZeros(model: AnyModule, g: GraphBuilder, inputShape: readonly number[], inputName: string): { name: string; shape: number[] } {
  // requiresGrad makes every op downstream of the input record itself, so the trace sees it.
  const input = zeros(inputShape, { requiresGrad: true });
  g.input(input, inputName);
  const out: unknown = model.forward(input);
  if (!(out instanceof Tensor)) {
    throw new Error(`simdgrad: exportOnnx: ${model.constructor.name}.forward() returned ${typeof out}, not a Tensor; export a module with one tensor output.`);
  }
  return { name: g.value(out), shape: [...out.shape] };
}

// The graph output gets its public name; if no node computes it (an Identity model), an Identity node does.
function nameOutput(g: GraphBuilder, value: string, outputName: string): string {
  if (!g.isNodeOutput(value)) {
    g.rename(g.node('Identity', [value]), outputName);
  } else {
    g.rename(value, outputName);
  }
  return outputName;
}

function withEvalMode<T>(model: AnyModule, fn: () => T): T {
  const modules = model.modules();
  const modes = modules.map((m) => m.training);
  model.eval();
  try {
    return fn();
  } finally {
    modules.forEach((m, i) => (m.training = modes[i]!));
  }
}

function checkOptions(model: AnyModule, inputShape: unknown, opset: unknown, dynamicBatch: unknown, inputName: unknown, outputName: unknown): void {
  if (typeof (model as { forward?: unknown })?.forward !== 'function' || typeof (model as { namedParameters?: unknown }).namedParameters !== 'function') {
    throw new Error('simdgrad: exportOnnx: the first argument must be a Module (e.g. an nn.Sequential); got something without forward() and namedParameters().');
  }
  const validShape = Array.isArray(inputShape) && inputShape.length > 0 && inputShape.every((d) => Number.isInteger(d) && d >= 1);
  if (!validShape) {
    throw new Error(`simdgrad: exportOnnx: inputShape must be a non-empty array of positive integers, e.g. { inputShape: [1, 784] }; got ${Array.isArray(inputShape) ? formatShape(inputShape) : String(inputShape)}.`);
  }
  if (typeof opset !== 'number' || !Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new Error(`simdgrad: exportOnnx: opset must be an integer from ${MIN_OPSET} to ${MAX_OPSET}, got ${String(opset)}; leave it out for the default, 17.`);
  }
  if (typeof dynamicBatch !== 'boolean') throw new Error(`simdgrad: exportOnnx: dynamicBatch must be true or false, got ${String(dynamicBatch)}.`);
  for (const [key, name] of [['inputName', inputName], ['outputName', outputName]] as const) {
    if (typeof name !== 'string' || name === '') throw new Error(`simdgrad: exportOnnx: ${key} must be a non-empty string, got ${String(name)}.`);
  }
  if (inputName === outputName) throw new Error(`simdgrad: exportOnnx: inputName and outputName are both '${String(inputName)}'; give them different names.`);
}
