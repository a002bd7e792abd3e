import type { OpRecord } from '../../autograd/node.js';
import type { ActivationAttributes } from '../../ops/activation.js';
import type { PowAttributes } from '../../ops/arithmetic.js';
import type { Conv2dAttributes } from '../../ops/conv.js';
import type { EmbeddingAttributes } from '../../ops/embedding.js';
import type { ConvTranspose2dAttributes } from '../../ops/conv-transpose.js';
import type { GroupNormAttributes } from '../../ops/group-norm.js';
import type { InterpolateAttributes } from '../../ops/interpolate.js';
import type { BatchNormAttributes, LayerNormAttributes } from '../../ops/norm.js';
import type { AdaptivePool2dAttributes, Pool2dAttributes } from '../../ops/pool.js';
import type { ReduceAttributes } from '../../ops/reduce.js';
import type { SoftmaxAttributes } from '../../ops/softmax.js';
import { formatShape, shapeSize } from '../../shape-util.js';
import type { Tensor } from '../../tensor.js';
import type { GraphBuilder } from './graph-builder.js';
import type { OnnxAttribute } from './onnx-proto.js';

/** Adds the nodes computing one recorded op and returns the name of the value holding its output. */
export type OpConverter = (g: GraphBuilder, op: OpRecord, out: Tensor) => string;

const int = (value: number | boolean): OnnxAttribute => ({ int: typeof value === 'boolean' ? (value ? 1 : 0) : value });
const ints = (values: readonly number[]): OnnxAttribute => ({ ints: values });
const float = (value: number): OnnxAttribute => ({ float: value });
// TensorProto.DataType INT64, the type Cast's `to` names.
const ONNX_INT64 = 7;

function attributesOf<A extends object>(op: OpRecord): A {
  return op.attributes as A;
}

function inputName(g: GraphBuilder, op: OpRecord, index: number): string {
  return g.value(op.inputs[index]!);
}

function unary(opType: string): OpConverter {
  return (g, op) => g.node(opType, [inputName(g, op, 0)]);
}

function binary(opType: string): OpConverter {
  return (g, op) => g.node(opType, [inputName(g, op, 0), inputName(g, op, 1)]);
}

function linear(relu: boolean): OpConverter {
  return (g, op) => {
    const [x, weight, bias] = op.inputs as [Tensor, Tensor, Tensor | null];
    const inputs = [g.value(x), g.value(weight), ...(bias ? [g.value(bias)] : [])];
    let y: string;
    if (x.ndim === 2) {
      y = g.node('Gemm', inputs, { transB: int(1) });
    } else {
      y = g.node('MatMul', [inputs[0]!, g.node('Transpose', [inputs[1]!], { perm: ints([1, 0]) })]);
      if (bias) y = g.node('Add', [y, inputs[2]!]);
    }
    return relu ? g.node('Relu', [y]) : y;
  };
}

// Conv of any dimension: the attributes' lists have one entry per spatial dimension.
function conv(relu: boolean): OpConverter {
  return (g, op) => {
    const { kernelShape, stride, padding, dilation, groups } = attributesOf<Conv2dAttributes>(op);
    const inputs = op.inputs.filter((t): t is Tensor => t !== null).map((t) => g.value(t));
    const y = g.node('Conv', inputs, { kernel_shape: ints(kernelShape), strides: ints(stride), pads: ints(padding), dilations: ints(dilation), group: int(groups) });
    return relu ? g.node('Relu', [y]) : y;
  };
}

// The indices are float32 in simdgrad and must be integers for Gather; paddingIdx only changes
// the gradient, so the exported lookup is the same with or without it. maxNorm rewrites the
// weight during the forward, which a Gather cannot.
const embedding: OpConverter = (g, op) => {
  if (attributesOf<EmbeddingAttributes>(op).maxNorm !== null) {
    throw new Error('simdgrad: exportOnnx: cannot export an embedding with maxNorm: it renormalizes the weight during the forward; export a copy of the model built without maxNorm (the weight already renormalized).');
  }
  const [input, weight] = op.inputs as [Tensor, Tensor];
  return g.node('Gather', [g.value(weight), g.node('Cast', [g.value(input)], { to: int(ONNX_INT64) })], { axis: int(0) });
};

const convTranspose2d: OpConverter = (g, op) => {
  const { kernelShape, stride, padding, outputPadding, dilation, groups } = attributesOf<ConvTranspose2dAttributes>(op);
  const inputs = op.inputs.filter((t): t is Tensor => t !== null).map((t) => g.value(t));
  return g.node('ConvTranspose', inputs, {
    kernel_shape: ints(kernelShape), strides: ints(stride), pads: ints(padding), output_padding: ints(outputPadding), dilations: ints(dilation), group: int(groups),
  });
};

const maxPool2d: OpConverter = (g, op) => {
  const { kernelShape, stride, padding, dilation, ceilMode } = attributesOf<Pool2dAttributes>(op);
  return g.node('MaxPool', [inputName(g, op, 0)], { kernel_shape: ints(kernelShape), strides: ints(stride), pads: ints(padding), dilations: ints(dilation), ceil_mode: int(ceilMode) });
};

const avgPool2d: OpConverter = (g, op) => {
  const { kernelShape, stride, padding, ceilMode, countIncludePad } = attributesOf<Pool2dAttributes>(op);
  return g.node('AveragePool', [inputName(g, op, 0)], { kernel_shape: ints(kernelShape), strides: ints(stride), pads: ints(padding), ceil_mode: int(ceilMode), count_include_pad: int(countIncludePad) });
};

// ONNX has no adaptive pooling: a 1x1 output is GlobalAveragePool, and an output size that
// divides the input size is an AveragePool with equal windows.
const adaptiveAvgPool2d: OpConverter = (g, op) => {
  const { inputSize, outputSize } = attributesOf<AdaptivePool2dAttributes>(op);
  if (outputSize[0] === 1 && outputSize[1] === 1) return g.node('GlobalAveragePool', [inputName(g, op, 0)]);
  if (inputSize[0] % outputSize[0] !== 0 || inputSize[1] % outputSize[1] !== 0) {
    throw new Error(
      `simdgrad: exportOnnx: cannot export adaptiveAvgPool2d from ${inputSize.join('x')} to ${outputSize.join('x')}: ONNX has no adaptive pooling, so the output size must be 1x1 or divide the input size; ` +
        'change the output size or the input shape.',
    );
  }
  const window = [inputSize[0] / outputSize[0], inputSize[1] / outputSize[1]];
  return g.node('AveragePool', [inputName(g, op, 0)], { kernel_shape: ints(window), strides: ints(window) });
};

const batchNorm: OpConverter = (g, op) => {
  const { training, runningMean, runningVar, eps } = attributesOf<BatchNormAttributes>(op);
  if (training || !runningMean || !runningVar) {
    throw new Error(
      'simdgrad: exportOnnx: cannot export batchNorm with batch statistics (training mode, or a BatchNorm without running statistics): ONNX inference normalizes with running statistics; ' +
        'export a model whose BatchNorm layers track running stats (the default), or call F.batchNorm with { training: false }.',
    );
  }
  const [x, weight, bias] = op.inputs as [Tensor, Tensor | null, Tensor | null];
  const channels = x.shape[1]!;
  const scale = weight ? g.value(weight) : g.floats(new Float32Array(channels).fill(1), [channels]);
  const shift = bias ? g.value(bias) : g.floats(new Float32Array(channels), [channels]);
  return g.node('BatchNormalization', [g.value(x), scale, shift, g.value(runningMean), g.value(runningVar)], { epsilon: float(eps) });
};

const layerNorm: OpConverter = (g, op) => {
  const { normalizedDims, eps } = attributesOf<LayerNormAttributes>(op);
  if (g.opset < 17) {
    throw new Error(`simdgrad: exportOnnx: cannot export layerNorm at opset ${g.opset}: LayerNormalization needs opset 17 or later; pass { opset: 17 } (the default).`);
  }
  const [x, weight, bias] = op.inputs as [Tensor, Tensor | null, Tensor | null];
  const shape = x.shape.slice(x.ndim - normalizedDims);
  const scale = weight ? g.value(weight) : g.floats(new Float32Array(shapeSize(shape)).fill(1), shape);
  const shift = bias ? g.value(bias) : g.floats(new Float32Array(shapeSize(shape)), shape);
  return g.node('LayerNormalization', [g.value(x), scale, shift], { axis: int(-normalizedDims), epsilon: float(eps) });
};

// As PyTorch's exporter writes it, at every opset: ONNX's GroupNormalization (opset 18) scales
// per group, not per channel. Each sample's groups become the channels of an
// InstanceNormalization over [N, G, rest]; then the per-channel weight and bias apply. A 0 in a
// Reshape target copies that dimension, which keeps the batch dynamic.
const groupNorm: OpConverter = (g, op) => {
  const { numGroups, eps } = attributesOf<GroupNormAttributes>(op);
  const [x, weight, bias] = op.inputs as [Tensor, Tensor | null, Tensor | null];
  const channels = x.shape[1]!;
  const grouped = g.node('Reshape', [g.value(x), g.int64s([0, numGroups, -1])]);
  const normalized = g.node('InstanceNormalization', [grouped, g.floats(new Float32Array(numGroups).fill(1), [numGroups]), g.floats(new Float32Array(numGroups), [numGroups])], { epsilon: float(eps) });
  let y = g.node('Reshape', [normalized, g.int64s([0, ...x.shape.slice(1)])]);
  const perChannel = (t: Tensor): string => g.node('Reshape', [g.value(t), g.int64s([channels, ...x.shape.slice(2).map(() => 1)])]);
  if (weight) y = g.node('Mul', [y, perChannel(weight)]);
  if (bias) y = g.node('Add', [y, perChannel(bias)]);
  return y;
};

// Nearest is PyTorch's legacy mode: floor(dst / scale), 'asymmetric' coordinates. Bilinear is
// 'linear' with half-pixel centres, or aligned corners. A scale factor becomes Resize's scales
// (the source is read at dst / scale, as PyTorch does); an explicit size becomes its sizes, the
// input's first two dimensions taken from its shape so the batch stays dynamic.
const interpolate: OpConverter = (g, op) => {
  const { mode, alignCorners, outputSize, scaleFactor } = attributesOf<InterpolateAttributes>(op);
  const x = inputName(g, op, 0);
  const attributes: Record<string, OnnxAttribute> = {
    nearest: { mode: { string: 'nearest' }, coordinate_transformation_mode: { string: 'asymmetric' }, nearest_mode: { string: 'floor' } },
    // floor((dst + 0.5)·in/out) is half-pixel coordinates rounded half up.
    'nearest-exact': { mode: { string: 'nearest' }, coordinate_transformation_mode: { string: 'half_pixel' }, nearest_mode: { string: 'round_prefer_ceil' } },
    bilinear: { mode: { string: 'linear' }, coordinate_transformation_mode: { string: alignCorners ? 'align_corners' : 'pytorch_half_pixel' } },
  }[mode];
  if (scaleFactor) return g.node('Resize', [x, '', g.floats([1, 1, ...scaleFactor], [4])], attributes);
  const batchAndChannels = g.node('Slice', [g.node('Shape', [x]), g.int64s([0]), g.int64s([2])]);
  const sizes = g.node('Concat', [batchAndChannels, g.int64s(outputSize)], { axis: int(0) });
  return g.node('Resize', [x, '', '', sizes], attributes);
};

const leakyRelu: OpConverter = (g, op) => g.node('LeakyRelu', [inputName(g, op, 0)], { alpha: float(attributesOf<ActivationAttributes>(op).negativeSlope!) });

const elu: OpConverter = (g, op) => g.node('Elu', [inputName(g, op, 0)], { alpha: float(attributesOf<ActivationAttributes>(op).alpha!) });

const silu: OpConverter = (g, op) => {
  const x = inputName(g, op, 0);
  return g.node('Mul', [x, g.node('Sigmoid', [x])]);
};

// Gelu is an ONNX op only from opset 20, so it is written out as PyTorch's exporter does.
const gelu: OpConverter = (g, op) => {
  const x = inputName(g, op, 0);
  const half = g.node('Mul', [x, g.floats([0.5])]);
  if (attributesOf<ActivationAttributes>(op).approximate === 'tanh') {
    const cube = g.node('Mul', [x, g.node('Mul', [x, x])]);
    const inner = g.node('Mul', [g.node('Add', [x, g.node('Mul', [cube, g.floats([0.044715])])]), g.floats([Math.sqrt(2 / Math.PI)])]);
    return g.node('Mul', [half, g.node('Add', [g.node('Tanh', [inner]), g.floats([1])])]);
  }
  const erf = g.node('Erf', [g.node('Div', [x, g.floats([Math.SQRT2])])]);
  return g.node('Mul', [half, g.node('Add', [erf, g.floats([1])])]);
};

// ln(1 + e^(beta x)) / beta, and x itself where beta x > threshold, as torch computes it.
const softplus: OpConverter = (g, op) => {
  const { beta, threshold } = attributesOf<ActivationAttributes>(op);
  const x = inputName(g, op, 0);
  const scaled = beta === 1 ? x : g.node('Mul', [x, g.floats([beta!])]);
  const smooth = beta === 1 ? g.node('Softplus', [scaled]) : g.node('Div', [g.node('Softplus', [scaled]), g.floats([beta!])]);
  return g.node('Where', [g.node('Greater', [scaled, g.floats([threshold!])]), x, smooth]);
};

const relu6: OpConverter = (g, op) => g.node('Clip', [inputName(g, op, 0), g.floats([0]), g.floats([6])]);

const hardsigmoid: OpConverter = (g, op) => g.node('HardSigmoid', [inputName(g, op, 0)], { alpha: float(1 / 6), beta: float(0.5) });

// HardSwish is an ONNX op from opset 14; before, x · HardSigmoid(x).
const hardswish: OpConverter = (g, op) => {
  const x = inputName(g, op, 0);
  if (g.opset >= 14) return g.node('HardSwish', [x]);
  return g.node('Mul', [x, g.node('HardSigmoid', [x], { alpha: float(1 / 6), beta: float(0.5) })]);
};

// Mish is an ONNX op from opset 18; before, x · tanh(softplus(x)).
const mish: OpConverter = (g, op) => {
  const x = inputName(g, op, 0);
  if (g.opset >= 18) return g.node('Mish', [x]);
  return g.node('Mul', [x, g.node('Tanh', [g.node('Softplus', [x])])]);
};

function alongAxis(opType: string): OpConverter {
  return (g, op) => g.node(opType, [inputName(g, op, 0)], { axis: int(attributesOf<SoftmaxAttributes>(op).axis) });
}

// ReduceSum takes its axes as an input from opset 13, the others from opset 18.
function reduce(opType: string): OpConverter {
  return (g, op) => {
    const { axes, keepdim } = attributesOf<ReduceAttributes>(op);
    const x = inputName(g, op, 0);
    if (axes.length === 0) return g.node('Identity', [x]);
    const axesAsInput = opType === 'ReduceSum' || g.opset >= 18;
    return axesAsInput
      ? g.node(opType, [x, g.int64s(axes)], { keepdims: int(keepdim) })
      : g.node(opType, [x], { axes: ints(axes), keepdims: int(keepdim) });
  };
}

const pow: OpConverter = (g, op) => g.node('Pow', [inputName(g, op, 0), g.floats([attributesOf<PowAttributes>(op).exponent])]);

// [N, ...] -> [N, rest] is Flatten; any other shape keeps a batch-sized first dimension as -1.
const reshape: OpConverter = (g, op, out) => {
  const input = op.inputs[0]!;
  const x = g.value(input);
  const flattensAfterBatch = out.ndim === 2 && input.ndim >= 2 && out.shape[0] === input.shape[0] && out.shape[1] === shapeSize(input.shape.slice(1));
  if (flattensAfterBatch) return g.node('Flatten', [x], { axis: int(1) });
  const shape = [...out.shape];
  if (g.dynamicBatch && g.dependsOnBatch(x) && shape.length > 0) shape[0] = -1;
  return g.node('Reshape', [x, g.int64s(shape)]);
};

const transpose: OpConverter = (g, op) => g.node('Transpose', [inputName(g, op, 0)], { perm: ints([1, 0]) });

/** How each op simdgrad records becomes ONNX nodes, by the op's name. */
export const OP_CONVERTERS: Readonly<Record<string, OpConverter>> = {
  linear: linear(false),
  linearRelu: linear(true),
  matmul: binary('MatMul'),
  conv2d: conv(false),
  conv2dRelu: conv(true),
  conv1d: conv(false),
  convTranspose2d,
  embedding,
  maxPool2d,
  avgPool2d,
  adaptiveAvgPool2d,
  interpolate,
  batchNorm,
  layerNorm,
  groupNorm,
  relu: unary('Relu'),
  leakyRelu,
  sigmoid: unary('Sigmoid'),
  tanh: unary('Tanh'),
  gelu,
  elu,
  softplus,
  silu,
  relu6,
  hardsigmoid,
  hardswish,
  mish,
  softmax: alongAxis('Softmax'),
  logSoftmax: alongAxis('LogSoftmax'),
  add: binary('Add'),
  sub: binary('Sub'),
  mul: binary('Mul'),
  div: binary('Div'),
  neg: unary('Neg'),
  exp: unary('Exp'),
  log: unary('Log'),
  sqrt: unary('Sqrt'),
  pow,
  sum: reduce('ReduceSum'),
  mean: reduce('ReduceMean'),
  max: reduce('ReduceMax'),
  reshape,
  transpose,
  clone: unary('Identity'),
  // Exported for inference: dropout passes its input through, as in eval mode.
  dropout: unary('Identity'),
};

/** The converter for `op`, or a clear error naming it and what can be exported. */
export function converterFor(op: OpRecord, out: Tensor): OpConverter {
  const converter = OP_CONVERTERS[op.op];
  if (converter) return converter;
  throw new Error(
    `simdgrad: exportOnnx: cannot export op '${op.op}' (output ${formatShape(out.shape)}): ONNX export covers ${Object.keys(OP_CONVERTERS).join(', ')}. ` +
      'Export the model without it (a loss belongs to training, not to the exported model).',
  );
}
