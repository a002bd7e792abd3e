// A convolution's geometry as one struct in linear memory: the host writes it once per call
// (src/ops/conv.ts, writeConvGeometry, in this field order) and passes its address; every conv
// kernel, on every thread, reads it from there. 1-D convolutions have height 1. Padding past the
// bottom/right edge is implicit (whatever falls outside the input reads as 0), so only the
// top/left padding is here.

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

/** Bytes of the struct the host writes (its fields are i32, in declaration order). */
export function convGeometryBytes(): i32 {
  return <i32>offsetof<ConvGeometry>();
}
