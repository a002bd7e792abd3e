import type { TracedOp } from '../../autograd/node.js';
import type { ActivationAttributes } from '../../ops/activation.js';
import type { PowAttributes } from '../../ops/arithmetic.js';
import type { Conv2dAttributes } from '../../ops/conv.js';
import type { ArgExtremumAttributes, TopkAttributes } from '../../ops/extremum.js';
import type { IndexAttributes, OneHotAttributes } from '../../ops/indexing.js';
import type { CatAttributes } from '../../ops/join.js';
import type { EmbeddingAttributes } from '../../ops/embedding.js';
import type { ConvTranspose2dAttributes } from '../../ops/conv-transpose.js';
import type { GroupNormAttributes } from '../../ops/group-norm.js';
import type { InterpolateAttributes } from '../../ops/interpolate.js';
import type { BatchNormAttributes, LayerNormAttributes } from '../../ops/norm.js';
import type { ExpandAttributes, PermuteAttributes } from '../../ops/permute.js';
import type { ClampAttributes } from '../../ops/piecewise.js';
import type { AdaptivePool2dAttributes, Pool2dAttributes } from '../../ops/pool.js';
import type { ReduceAttributes } from '../../ops/reduce.js';
import type { CumsumAttributes } from '../../ops/scan.js';
import type { MaskedFillAttributes, WhereAttributes } from '../../ops/select.js';
import type { SliceAttributes } from '../../ops/slice.js';
import type { SoftmaxAttributes } from '../../ops/softmax.js';
import type { TriangleAttributes } from '../../ops/triangle.js';
import type { AttentionAttributes } from '../../ops/attention.js';
import type { HeadsAttributes } from '../../ops/attention-heads.js';
import type { PackedAttentionAttributes } from '../../ops/attention-packed.js';
import { formatShape, shapeSize } from '../../shape-util.js';
import type { Tensor } from '../../tensor.js';
import type { GraphBuilder } from './graph-builder.js';
import type { OnnxAttribute } from './onnx-proto.js';
import { RECURRENT_CONVERTERS } from './recurrent-converters.js';

/** Adds the nodes computing one recorded op and returns the name of the value holding its output. */
export type OpConverter = (g: GraphBuilder, op: TracedOp, out: Tensor) => string;

const int = (value: number | boolean): OnnxAttribute => ({ int: typeof value === 'boolean' ? (value ? 1 : 0) : value });
const ints = (values: readonly number[]): OnnxAttribute => ({ ints: values });
const float = (value: number): OnnxAttribute => ({ float: value });
// TensorProto.DataType INT64, the type Cast's `to` names.
const ONNX_INT64 = 7;

function attributesOf<A extends object>(op: TracedOp): A {
  return op.attributes as A;
}

function inputName(g: GraphBuilder, op: TracedOp, index: number): string {
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

// [N, ...] -> [N, rest] is Flatten; removing or inserting size-1 dimensions (squeeze,
// unsqueeze, select) is Squeeze or Unsqueeze, which fit any batch size wherever it sits; any
// other shape keeps a batch-sized first dimension as -1.
const reshape: OpConverter = (g, op, out) => {
  const input = op.inputs[0]!;
  const x = g.value(input);
  const flattensAfterBatch = out.ndim === 2 && input.ndim >= 2 && out.shape[0] === input.shape[0] && out.shape[1] === shapeSize(input.shape.slice(1));
  if (flattensAfterBatch) return g.node('Flatten', [x], { axis: int(1) });
  const squeezed = sizeOneAxesRemoved(input.shape, out.shape);
  if (squeezed) return g.node('Squeeze', [x, g.int64s(squeezed)]);
  const unsqueezed = sizeOneAxesRemoved(out.shape, input.shape);
  if (unsqueezed) return g.node('Unsqueeze', [x, g.int64s(unsqueezed)]);
  const shape = [...out.shape];
  if (g.dynamicBatch && g.dependsOnBatch(x) && shape.length > 0) shape[0] = -1;
  return g.node('Reshape', [x, g.int64s(shape)]);
};

// The axes of `longer`, all of size 1, whose removal leaves `shorter`; null if there are none such.
function sizeOneAxesRemoved(longer: readonly number[], shorter: readonly number[]): number[] | null {
  if (longer.length <= shorter.length) return null;
  const axes: number[] = [];
  let kept = 0;
  for (let i = 0; i < longer.length; i++) {
    if (kept < shorter.length && longer[i] === shorter[kept]) kept++;
    else if (longer[i] === 1) axes.push(i);
    else return null;
  }
  return kept === shorter.length ? axes : null;
}

const permute: OpConverter = (g, op) => g.node('Transpose', [inputName(g, op, 0)], { perm: ints(attributesOf<PermuteAttributes>(op).perm) });

// Dimensions expand leaves as they are get 1 in Expand's shape (ONNX broadcasts 1 to the input's
// size), so a batch dimension stays whatever size it has.
const expand: OpConverter = (g, op) => {
  const input = op.inputs[0]!;
  const { shape } = attributesOf<ExpandAttributes>(op);
  const lead = shape.length - input.ndim;
  const target = shape.map((size, i) => (i >= lead && input.shape[i - lead] === size ? 1 : size));
  return g.node('Expand', [g.value(input), g.int64s(target)]);
};

const cat: OpConverter = (g, op) => g.node('Concat', op.inputs.map((t) => g.value(t!)), { axis: int(attributesOf<CatAttributes>(op).axis) });

// Past the end of any dimension: Slice clamps it, so a slice to the end fits any size (the batch).
const TO_THE_END = Number.MAX_SAFE_INTEGER;

const slice: OpConverter = (g, op) => {
  const { axis, start, count, step } = attributesOf<SliceAttributes>(op);
  const size = op.inputs[0]!.shape[axis]!;
  const last = start + (count - 1) * step;
  const end = count === 0 ? start : last + step >= size ? TO_THE_END : last + 1;
  return g.node('Slice', [inputName(g, op, 0), g.int64s([start]), g.int64s([end]), g.int64s([axis]), g.int64s([step])]);
};

// Index tensors are float32 holding whole numbers; ONNX indexes with int64.
function indexOf(g: GraphBuilder, index: Tensor): string {
  return g.cast(g.value(index), 'float', 'int64');
}

const gather: OpConverter = (g, op) => {
  const { axis, index } = attributesOf<IndexAttributes>(op);
  return g.node('GatherElements', [inputName(g, op, 0), indexOf(g, index)], { axis: int(axis) });
};

// A 0-d index selects one entry and keeps the dimension, as a 1-D index of one does.
const indexSelect: OpConverter = (g, op) => {
  const { axis, index } = attributesOf<IndexAttributes>(op);
  const positions = index.ndim === 0 ? g.node('Unsqueeze', [indexOf(g, index), g.int64s([0])]) : indexOf(g, index);
  return g.node('Gather', [inputName(g, op, 0), positions], { axis: int(axis) });
};

// ScatterElements adds (reduction 'add') from opset 16. Before, each value is spread over its
// row of a one-hot [..., m, n, ...] and the m rows summed: what scatterAdd adds to a region the
// size of the index (n along the axis), padded with zeros to x's shape.
const scatterAdd: OpConverter = (g, op) => {
  const { axis, index } = attributesOf<IndexAttributes>(op);
  const [x, values] = [inputName(g, op, 0), inputName(g, op, 1)];
  if (g.opset >= 16) return g.node('ScatterElements', [x, indexOf(g, index), values], { axis: int(axis), reduction: { string: 'add' } });
  const target = op.inputs[0]!.shape;
  const spread = g.node('OneHot', [indexOf(g, index), g.int64s([target[axis]!]), g.floats([0, 1], [2])], { axis: int(axis + 1) });
  const weighted = g.node('Mul', [spread, g.node('Unsqueeze', [values, g.int64s([axis + 1])])]);
  const added = g.node('ReduceSum', [weighted, g.int64s([axis])], { keepdims: int(0) });
  const shortfall = target.map((size, d) => (d === axis ? 0 : size - index.shape[d]!));
  const region = shortfall.some((n) => n > 0) ? g.node('Pad', [added, g.int64s([...target.map(() => 0), ...shortfall])]) : added;
  return g.node('Add', [x, region]);
};

const oneHot: OpConverter = (g, op) => {
  const { numClasses } = attributesOf<OneHotAttributes>(op);
  return g.node('OneHot', [indexOf(g, op.inputs[0]!), g.int64s([numClasses]), g.floats([0, 1], [2])], { axis: int(-1) });
};

// Comparisons give bool in ONNX and 0/1 float32 masks here; Not(Equal) is true for NaN, as ne is.
function comparison(opType: string, negate = false): OpConverter {
  return (g, op) => {
    const equal = g.node(opType, [inputName(g, op, 0), inputName(g, op, 1)]);
    return g.cast(negate ? g.node('Not', [equal]) : equal, 'bool', 'float');
  };
}

// A float mask is true where nonzero, as Cast to bool makes it.
function conditionOf(g: GraphBuilder, mask: Tensor): string {
  return g.cast(g.value(mask), 'float', 'bool');
}

const where: OpConverter = (g, op) => g.node('Where', [conditionOf(g, attributesOf<WhereAttributes>(op).condition), inputName(g, op, 0), inputName(g, op, 1)]);

const maskedFill: OpConverter = (g, op) => {
  const { mask, value } = attributesOf<MaskedFillAttributes>(op);
  return g.node('Where', [conditionOf(g, mask), g.floats([value]), inputName(g, op, 0)]);
};

// An absent bound is an empty input name, as ONNX leaves out optional inputs.
const clamp: OpConverter = (g, op) => {
  const { min, max } = attributesOf<ClampAttributes>(op);
  const bounds = [min === -Infinity ? '' : g.floats([min]), max === Infinity ? '' : g.floats([max])];
  if (bounds[1] === '') bounds.pop();
  return g.node('Clip', [inputName(g, op, 0), ...bounds]);
};

// Positions come out as int64 and become float32 like ours; over all dimensions, the flattened tensor is searched.
function argExtremum(opType: string): OpConverter {
  return (g, op, out) => {
    const { axis, keepdim } = attributesOf<ArgExtremumAttributes>(op);
    const x = inputName(g, op, 0);
    if (axis !== null) return g.cast(g.node(opType, [x], { axis: int(axis), keepdims: int(keepdim) }), 'int64', 'float');
    const position = g.node(opType, [g.node('Reshape', [x, g.int64s([-1])])], { axis: int(0), keepdims: int(0) });
    return g.cast(keepdim ? g.node('Reshape', [position, g.int64s(out.shape)]) : position, 'int64', 'float');
  };
}

// TopK computes the values and the indices at once; the indices tensor is bound to the second output.
const topk: OpConverter = (g, op) => {
  const { k, axis, largest, indices } = attributesOf<TopkAttributes>(op);
  const x = op.inputs[0]!;
  if (x.ndim === 0) throw new Error('simdgrad: exportOnnx: cannot export topk of a 0-d tensor: ONNX TopK needs at least one dimension; reshape the tensor to [1] first.');
  const [values, positions] = g.nodeWithOutputs('TopK', [g.value(x), g.int64s([k])], 2, { axis: int(axis), largest: int(largest), sorted: int(1) });
  g.bind(indices, g.cast(positions!, 'int64', 'float'));
  return values!;
};

const cumsum: OpConverter = (g, op) => {
  const { axis, reverse } = attributesOf<CumsumAttributes>(op);
  return g.node('CumSum', [inputName(g, op, 0), g.int64s([axis], [])], { reverse: int(reverse) });
};

// Trilu is an ONNX op from opset 14; before, a constant mask over the last two dimensions selects.
function triangle(upper: boolean): OpConverter {
  return (g, op) => {
    const { diagonal } = attributesOf<TriangleAttributes>(op);
    const x = op.inputs[0]!;
    if (g.opset >= 14) return g.node('Trilu', [g.value(x), g.int64s([diagonal], [])], { upper: int(upper) });
    const [rows, cols] = x.shape.slice(-2) as [number, number];
    const keep = Float32Array.from({ length: rows * cols }, (_, i) => {
      const offset = (i % cols) - Math.floor(i / cols);
      return (upper ? offset >= diagonal : offset <= diagonal) ? 1 : 0;
    });
    return g.node('Where', [g.cast(g.floats(keep, [rows, cols]), 'float', 'bool'), g.value(x), g.floats([0])]);
  };
}

// softmax(Q Kᵀ·scale + mask) V written out as PyTorch's exporter does: MatMul, Mul, Add (a bool
// mask: Where), Softmax, MatMul. The causal cut is a constant [L, S] mask of 0 and -Infinity.
const scaledDotProductAttention: OpConverter = (g, op) => {
  const { scale, isCausal, boolMask } = attributesOf<AttentionAttributes>(op);
  const [q, k, v, mask] = op.inputs as [Tensor, Tensor, Tensor, Tensor | null];
  const shapes = { rank: k.ndim, l: q.shape[q.ndim - 2]!, s: k.shape[k.ndim - 2]! };
  return attentionNodes(g, [g.value(q), g.value(k), g.value(v)], shapes, { scale, isCausal }, mask ? { name: g.value(mask), boolMask } : null);
};

function attentionNodes(
  g: GraphBuilder, [q, k, v]: [string, string, string], { rank, l, s }: { rank: number; l: number; s: number },
  { scale, isCausal }: { scale: number; isCausal: boolean }, mask: { name: string; boolMask: boolean } | null,
): string {
  const perm = Array.from({ length: rank }, (_, i) => (i < rank - 2 ? i : 2 * rank - 3 - i));
  const keysT = g.node('Transpose', [k], { perm: ints(perm) });
  let scores = g.node('Mul', [g.node('MatMul', [q, keysT]), g.floats([scale])]);
  if (isCausal) scores = g.node('Add', [scores, g.floats(Array.from({ length: l * s }, (_, at) => (at % s > Math.floor(at / s) ? -Infinity : 0)), [l, s])]);
  if (mask) {
    scores = mask.boolMask
      ? g.node('Where', [g.node('Equal', [mask.name, g.floats([0])]), g.floats([-Infinity]), scores])
      : g.node('Add', [scores, mask.name]);
  }
  return g.node('MatMul', [g.node('Softmax', [scores], { axis: int(-1) }), v]);
}

const splitHeads: OpConverter = (g, op) => {
  const { heads, part, parts, batchFirst } = attributesOf<HeadsAttributes>(op);
  const x = op.inputs[0]!;
  return headsNodes(g, g.value(x), x.shape[2]! / parts, { heads, part, parts, batchFirst });
};

// [B, L, parts·E] -> block `part` -> [B, L, heads, Dh] -> [B, heads, L, Dh] (sequence first: [L, B, ...]).
function headsNodes(g: GraphBuilder, x: string, width: number, { heads, part, parts, batchFirst }: HeadsAttributes): string {
  const block = parts === 1 ? x : g.node('Slice', [x, g.int64s([part * width]), g.int64s([(part + 1) * width]), g.int64s([2])]);
  const split = g.node('Reshape', [block, g.int64s([0, 0, heads, width / heads])]);
  return g.node('Transpose', [split], { perm: ints(batchFirst ? [0, 2, 1, 3] : [1, 2, 0, 3]) });
}

const mergeHeads: OpConverter = (g, op) => mergedHeadsNodes(g, inputName(g, op, 0), attributesOf<HeadsAttributes>(op).batchFirst);

function mergedHeadsNodes(g: GraphBuilder, x: string, batchFirst: boolean): string {
  const joined = g.node('Transpose', [x], { perm: ints(batchFirst ? [0, 2, 1, 3] : [2, 0, 1, 3]) });
  return g.node('Reshape', [joined, g.int64s([0, 0, -1])]);
}

// The fused op as the three it fuses: the heads of q, k and v, attention, the heads merged.
const packedSelfAttention: OpConverter = (g, op) => {
  const { heads, batchFirst, isCausal, scale } = attributesOf<PackedAttentionAttributes>(op);
  const x = op.inputs[0]!;
  const width = x.shape[2]! / 3;
  const length = x.shape[batchFirst ? 1 : 0]!;
  const [q, k, v] = [0, 1, 2].map((part) => headsNodes(g, g.value(x), width, { heads, part, parts: 3, batchFirst })) as [string, string, string];
  return mergedHeadsNodes(g, attentionNodes(g, [q, k, v], { rank: 4, l: length, s: length }, { scale, isCausal }, null), batchFirst);
};

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
  min: reduce('ReduceMin'),
  logsumexp: reduce('ReduceLogSumExp'),
  argmax: argExtremum('ArgMax'),
  argmin: argExtremum('ArgMin'),
  topk,
  cumsum,
  reshape,
  permute,
  expand,
  cat,
  slice,
  gather,
  indexSelect,
  scatterAdd,
  oneHot,
  eq: comparison('Equal'),
  ne: comparison('Equal', true),
  lt: comparison('Less'),
  le: comparison('LessOrEqual'),
  gt: comparison('Greater'),
  ge: comparison('GreaterOrEqual'),
  where,
  maskedFill,
  abs: unary('Abs'),
  clamp,
  minimum: binary('Min'),
  maximum: binary('Max'),
  tril: triangle(false),
  triu: triangle(true),
  scaledDotProductAttention,
  splitHeads,
  mergeHeads,
  packedSelfAttention,
  clone: unary('Identity'),
  // Exported for inference: dropout passes its input through, as in eval mode.
  dropout: unary('Identity'),
  ...RECURRENT_CONVERTERS,
};

/** The converter for `op`, or a clear error naming it and what can be exported. */
export function converterFor(op: TracedOp, out: Tensor): OpConverter {
  const converter = OP_CONVERTERS[op.op];
  if (converter) return converter;
  throw new Error(
    `simdgrad: exportOnnx: cannot export op '${op.op}' (output ${formatShape(out.shape)}): ONNX export covers ${Object.keys(OP_CONVERTERS).join(', ')}. ` +
      'Export the model without it (a loss belongs to training, not to the exported model).',
  );
}
