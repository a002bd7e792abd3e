// The convolution's input gradient as a convolution (stride 1): gradInput[c, y, x] is the sum over
// output channels o and taps (i, j) of gradOut[o, y + padTop − i·dilationH, x + padLeft − j·dilationW]
// · W[o, c, i, j], which is the forward convolution of gradOut, padded by dilation·(kernel − 1) −
// padding on each side, with the weights flipped in both kernel axes and their channel axes
// swapped. So it runs on the forward's implicit GEMM (conv-forward.ts, conv-forward-transposed.ts),
// which packs its columns straight from gradOut: no column matrix is written and nothing is
// scattered back (col2im). The plan chooses it where the padding border is thin (conv-plan.ts).

import { ConvGeometry, geometryAt } from './conv-geometry';
import { conv2dForwardImplicit } from './conv-forward';
import { conv2dForwardTransposed } from './conv-forward-transposed';
import { ADJOINT_GEOMETRY_BYTES, FORWARD_TRANSPOSED, adjointPadLeft, adjointPadTop, flippedWeightBytes, planConv } from './conv-plan';

@inline function bytes(n: i32): usize {
  return <usize>n << 2;
}

/**
 * Images [begin, end) of the input gradient; `scratch` (g.inputGradientScratchBytes) takes the
 * adjoint's geometry, the flipped weights and the forward's padded image, each written here, so
 * every chunk on every thread computes its images alike.
 */
export function conv2dBackwardInputAdjoint(gradOut: usize, weight: usize, gradInput: usize, scratch: usize, g: ConvGeometry, begin: i32, end: i32): void {
  const adjoint = geometryAt(scratch);
  adjoint.batch = g.batch;
  adjoint.channels = g.outChannels;
  adjoint.height = g.outH;
  adjoint.width = g.outW;
  adjoint.outChannels = g.channels;
  adjoint.kernelH = g.kernelH;
  adjoint.kernelW = g.kernelW;
  adjoint.strideH = 1;
  adjoint.strideW = 1;
  adjoint.padTop = adjointPadTop(g);
  adjoint.padLeft = adjointPadLeft(g);
  adjoint.dilationH = g.dilationH;
  adjoint.dilationW = g.dilationW;
  adjoint.groups = g.groups;
  adjoint.outH = g.height;
  adjoint.outW = g.width;
  planConv(adjoint);
  const flipped = scratch + <usize>ADJOINT_GEOMETRY_BYTES;
  flipWeights(weight, flipped, g);
  const padded = flipped + <usize>flippedWeightBytes(g);
  if (adjoint.forwardPath == FORWARD_TRANSPOSED) conv2dForwardTransposed(gradOut, flipped, 0, gradInput, padded, adjoint, begin, end, false);
  else conv2dForwardImplicit(gradOut, flipped, 0, gradInput, padded, adjoint, begin, end, false);
}

// W[group·og + o, c, i, j] into flipped[group·cg + c, o, kh − 1 − i, kw − 1 − j]: the adjoint's
// weight, [channels, og, kh, kw].
function flipWeights(weight: usize, flipped: usize, g: ConvGeometry): void {
  const cg = g.groupChannels;
  const og = g.groupOutChannels;
  const taps = g.kernelH * g.kernelW;
  for (let group = 0; group < g.groups; group++) {
    for (let o = 0; o < og; o++) {
      for (let c = 0; c < cg; c++) {
        const src = weight + bytes(((group * og + o) * cg + c) * taps);
        const dst = flipped + bytes(((group * cg + c) * og + o) * taps);
        for (let t = 0; t < taps; t++) store<f32>(dst + bytes(taps - 1 - t), load<f32>(src + bytes(t)));
      }
    }
  }
}
