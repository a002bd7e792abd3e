import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { formatShape } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { withConvGeometry, type ConvGeometry } from '../backend/conv-geometry.js';
import { spatialPair, type SpatialSize } from './window.js';
import { checkInteger, checkOptionalTensor, checkOptions, checkTensor } from '../check-args.js';

export interface ConvTranspose2dOptions {
  /** Step between the input pixels' footprints in the output (default 1). */
  stride?: SpatialSize;
  /** Rows and columns cut from each side of the full output (default 0): dilation · (kernel − 1) − padding zeros are the implicit padding. */
  padding?: SpatialSize;
  /** Rows and columns added at the bottom and right only, to pick one of the output sizes a strided conv2d maps to the input's (default 0; less than stride or dilation). */
  outputPadding?: SpatialSize;
  /** Spacing between kernel taps (default 1). */
  dilation?: SpatialSize;
  /** Input and output channels split into this many independent groups (default 1). */
  groups?: number;
}

/** A transposed convolution's geometry as exporters need it; padding is [top, left, bottom, right]. */
export interface ConvTranspose2dAttributes {
  kernelShape: [number, number];
  stride: [number, number];
  padding: [number, number, number, number];
  outputPadding: [number, number];
  dilation: [number, number];
  groups: number;
}

/**
 * 2-D transposed convolution as torch.nn.functional.conv_transpose2d: input [N, Cin, H, W],
 * weight [Cin, Cout/groups, kh, kw] (input channels first), optional bias [Cout]; output
 * [N, Cout, (H − 1)·stride − 2·padding + dilation·(kh − 1) + outputPadding + 1, ...]. It is the
 * gradient of conv2d with respect to its input, and runs as such: the forward is conv2d's
 * input-gradient kernel, the input gradient is a conv2d forward, and the weight gradient is
 * conv2d's weight gradient with input and output gradient swapped.
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTranspose2dOptions = {}): Tensor {
  checkTensor('convTranspose2d', 'input', input);
  checkTensor('convTranspose2d', 'weight', weight);
  checkOptionalTensor('convTranspose2d', 'bias', bias);
  options = checkOptions<ConvTranspose2dOptions>('convTranspose2d', options) as ConvTranspose2dOptions;
  const { conv, outputPadding } = adjointGeometry(input, weight, bias, options);
  // `conv` is the conv2d whose input gradient this is: its input is our output, its output our input.
  const area = conv.height * conv.width;
  const k = kernels();
  const out = Tensor.empty([conv.batch, conv.channels, conv.height, conv.width]);
  try {
    withConvGeometry(conv, k.conv2dBackwardInputScratchBytes, (geometry, scratch) => k.conv2dBackwardInput(input.ptr, weight.ptr, out.ptr, scratch, geometry));
  } catch (error) {
    out.dispose();
    throw error;
  }
  if (bias) {
    for (let n = 0; n < conv.batch; n++) {
      const image = out.ptr + n * conv.channels * area * 4;
      k.addForward(image, bias.ptr, image, conv.channels, area, area, 1, 1, 0);
    }
  }
  const attributes: ConvTranspose2dAttributes = {
    kernelShape: [conv.kernelH, conv.kernelW],
    stride: [conv.strideH, conv.strideW],
    padding: [conv.padTop, conv.padLeft, conv.padBottom, conv.padRight],
    outputPadding,
    dilation: [conv.dilationH, conv.dilationW],
    groups: conv.groups,
  };
  return record(out, {
    op: 'convTranspose2d',
    inputs: [input, weight, bias],
    attributes,
    saved: [input, weight],
    backward: (g, [x, w]) => {
      const gx = input.requiresGrad ? Tensor.empty(input.shape) : null;
      const gw = weight.requiresGrad ? Tensor.empty(weight.shape) : null;
      const gb = bias?.requiresGrad ? Tensor.empty(bias.shape) : null;
      if (gx) withConvGeometry(conv, k.conv2dForwardScratchBytes, (geometry, scratch) => k.conv2dForward(g.ptr, w!.ptr, 0, gx.ptr, scratch, geometry, 0));
      if (gw) withConvGeometry(conv, k.conv2dBackwardWeightScratchBytes, (geometry, scratch) => k.conv2dBackwardWeight(g.ptr, x!.ptr, gw.ptr, scratch, geometry));
      if (gb) k.conv2dBackwardBias(g.ptr, gb.ptr, conv.batch, conv.channels, area);
      return [gx, gw, gb];
    },
  });
}

function adjointGeometry(input: Tensor, weight: Tensor, bias: Tensor | null, options: ConvTranspose2dOptions): { conv: ConvGeometry; outputPadding: [number, number] } {
  if (input.ndim !== 4) throw new Error(`simdgrad: convTranspose2d: expected a 4-D input [N, C, H, W], got ${formatShape(input.shape)}; add a batch dimension with reshape([1, ...shape]) for a single image.`);
  if (weight.ndim !== 4) throw new Error(`simdgrad: convTranspose2d: expected a 4-D weight [in_channels, out_channels/groups, kh, kw], got ${formatShape(weight.shape)}.`);
  const [batch, inChannels, height, width] = input.shape as [number, number, number, number];
  const [weightIn, groupOut, kernelH, kernelW] = weight.shape as [number, number, number, number];
  const groups = checkInteger('convTranspose2d', 'groups', options.groups ?? 1, 1);
  if (inChannels !== weightIn) {
    throw new Error(`simdgrad: convTranspose2d: weight ${formatShape(weight.shape)} is for ${weightIn} input channels (its first dimension), but input ${formatShape(input.shape)} has ${inChannels}.`);
  }
  if (inChannels % groups !== 0) throw new Error(`simdgrad: convTranspose2d: input channels (${inChannels}) are not divisible by groups ${groups}; choose groups that divides ${inChannels}.`);
  const outChannels = groupOut * groups;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outChannels)) {
    throw new Error(`simdgrad: convTranspose2d: bias ${formatShape(bias.shape)} must be [${outChannels}] (out_channels: weight ${formatShape(weight.shape)} has ${groupOut} per group x ${groups} groups).`);
  }
  const [strideH, strideW] = spatialPair('convTranspose2d', options.stride ?? 1, 'stride', 1);
  const [padH, padW] = spatialPair('convTranspose2d', options.padding ?? 0, 'padding', 0);
  const [outPadH, outPadW] = spatialPair('convTranspose2d', options.outputPadding ?? 0, 'outputPadding', 0);
  const [dilationH, dilationW] = spatialPair('convTranspose2d', options.dilation ?? 1, 'dilation', 1);
  if ((outPadH >= strideH && outPadH >= dilationH) || (outPadW >= strideW && outPadW >= dilationW)) {
    throw new Error(`simdgrad: convTranspose2d: outputPadding [${outPadH}, ${outPadW}] must be smaller than stride [${strideH}, ${strideW}] or dilation [${dilationH}, ${dilationW}] in each dimension.`);
  }
  const outH = (height - 1) * strideH - 2 * padH + dilationH * (kernelH - 1) + outPadH + 1;
  const outW = (width - 1) * strideW - 2 * padW + dilationW * (kernelW - 1) + outPadW + 1;
  if (outH < 1 || outW < 1 || kernelH < 1 || kernelW < 1) {
    throw new Error(`simdgrad: convTranspose2d: padding [${padH}, ${padW}] cuts away the whole output (input ${formatShape(input.shape)}, weight ${formatShape(weight.shape)} would give ${outH}x${outW}); use less padding.`);
  }
  const conv: ConvGeometry = {
    batch, channels: outChannels, height: outH, width: outW, outChannels: inChannels, kernelH, kernelW, strideH, strideW,
    padTop: padH, padLeft: padW, padBottom: padH, padRight: padW, dilationH, dilationW, groups, outH: height, outW: width,
  };
  return { conv, outputPadding: [outPadH, outPadW] };
}
