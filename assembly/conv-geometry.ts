// A convolution's geometry and its plan as one struct in linear memory: the host writes the
// geometry once per call (src/backend/conv-geometry.ts, writeConvGeometry, in this field order),
// conv2dPlan fills in the plan (conv-plan.ts: which path each pass takes, the scratch each needs,
// how images are read), and every conv kernel, on every thread, reads both from there. 1-D
// convolutions have height 1. Padding past the bottom/right edge is implicit (whatever falls
// outside the input reads as 0), so only the top/left padding is here.

@unmanaged export class ConvGeometry {
  batch: i32;
  channels: i32;
  height: i32;
  width: i32;
  outChannels: i32;
  kernelH: i32;
  kernelW: i32;
  strideH: i32;
  strideW: i32;
  padTop: i32;
  padLeft: i32;
  dilationH: i32;
  dilationW: i32;
  groups: i32;
  outH: i32;
  outW: i32;

  // The plan (conv-plan.ts), from the fields above.
  forwardPath: i32;
  inputGradientPath: i32;
  weightGradientPath: i32;
  /** Images per chunk of the weight gradient's sum over the batch. */
  weightGradientImages: i32;
  forwardScratchBytes: i32;
  inputGradientScratchBytes: i32;
  weightGradientScratchBytes: i32;
  /** Whether the implicit paths read a zero-bordered copy of each group's image (padding), not the image itself. */
  readsCopy: bool;
  /** Rows and columns of that copy: the padding that matters, and no more. */
  spanRows: i32;
  spanColumns: i32;
  /** Floats between two rows, and between two channel planes, of the image as read. */
  readRowStride: i32;
  readPlaneStride: i32;
  /** Whether the positions × channels forward tiles each output row in place (conv-forward-transposed.ts). */
  forwardRowTiles: bool;

  /** Input channels per group. */
  get groupChannels(): i32 {
    return this.channels / this.groups;
  }

  /** Output channels per group. */
  get groupOutChannels(): i32 {
    return this.outChannels / this.groups;
  }

  /** Taps per output value: rows of one group's column matrix. */
  get depth(): i32 {
    return this.groupChannels * this.kernelH * this.kernelW;
  }

  /** Output positions per channel: columns of the column matrix. */
  get area(): i32 {
    return this.outH * this.outW;
  }

  /** A 1x1, stride-1, unpadded convolution reads its input as the column matrix. */
  get pointwise(): bool {
    return this.kernelH == 1 && this.kernelW == 1 && this.strideH == 1 && this.strideW == 1 && this.padTop == 0 && this.padLeft == 0;
  }

  /** Floats of one image of the input, and of the output. */
  get imageFloats(): i32 {
    return this.channels * this.height * this.width;
  }

  get outImageFloats(): i32 {
    return this.outChannels * this.area;
  }
}

/** The struct at `ptr`. */
@inline export function geometryAt(ptr: usize): ConvGeometry {
  return changetype<ConvGeometry>(ptr);
}

/** Bytes of the struct (the host writes its first 16 fields, i32 in declaration order, then calls conv2dPlan). */
export function convGeometryBytes(): i32 {
  return <i32>offsetof<ConvGeometry>();
}
