/**
 * Floats of the scratch one convolution call needs for one image's columns of one group, or for
 * one group's zero-bordered copy of the image, whichever is larger; 0 for a 1x1, stride-1,
 * unpadded convolution, which reads its input as the column matrix.
 */
export function convColumnFloats(
  channelsPerGroup: number, kernelH: number, kernelW: number, outH: number, outW: number,
  strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number,
): number {
  const pointwise = kernelH === 1 && kernelW === 1 && strideH === 1 && strideW === 1 && padTop === 0 && padLeft === 0;
  if (pointwise) return 0;
  const columns = channelsPerGroup * kernelH * kernelW * outH * outW;
  const paddedH = (outH - 1) * strideH + (kernelH - 1) * dilationH + 1;
  const paddedW = (outW - 1) * strideW + (kernelW - 1) * dilationW + 1;
  return Math.max(columns, channelsPerGroup * paddedH * paddedW);
}
