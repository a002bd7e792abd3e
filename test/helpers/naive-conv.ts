type Pair = [number, number];

export interface NaiveConv {
  stride?: Pair;
  /** [top, bottom, left, right] */
  padding?: [number, number, number, number];
  dilation?: Pair;
  groups?: number;
}

// [N, O, outH, outW] of the convolution of an input of xShape by a weight of wShape.
function outputShape(xShape: number[], wShape: number[], options: NaiveConv): [number, number, number, number] {
  const [n, , h, wd] = xShape as [number, number, number, number];
  const [o, , kh, kw] = wShape as [number, number, number, number];
  const [sh, sw] = options.stride ?? [1, 1];
  const [top, bottom, left, right] = options.padding ?? [0, 0, 0, 0];
  const [dh, dw] = options.dilation ?? [1, 1];
  return [n, o, Math.floor((h + top + bottom - dh * (kh - 1) - 1) / sh) + 1, Math.floor((wd + left + right - dw * (kw - 1) - 1) / sw) + 1];
}

/**
 * Every product the textbook convolution makes, as (output index, input index, weight index),
 * output element by output element (batch, out channel, row, column), then over its window
 * (in channel, kernel row, kernel column): the one definition the forward pass and both gradients
 * below are read from.
 */
function forEachProduct(xShape: number[], wShape: number[], options: NaiveConv, visit: (out: number, input: number, weight: number) => void): void {
  const [, c, h, wd] = xShape as [number, number, number, number];
  const [, cg, kh, kw] = wShape as [number, number, number, number];
  const [n, o, outH, outW] = outputShape(xShape, wShape, options);
  const [sh, sw] = options.stride ?? [1, 1];
  const [top, , left] = options.padding ?? [0, 0, 0, 0];
  const [dh, dw] = options.dilation ?? [1, 1];
  const og = o / (options.groups ?? 1);
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < o; oc++) {
      const group = Math.floor(oc / og);
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          const out = ((b * o + oc) * outH + oy) * outW + ox;
          for (let ic = 0; ic < cg; ic++) {
            for (let i = 0; i < kh; i++) {
              for (let j = 0; j < kw; j++) {
                const iy = oy * sh - top + i * dh;
                const ix = ox * sw - left + j * dw;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                visit(out, ((b * c + group * cg + ic) * h + iy) * wd + ix, ((oc * cg + ic) * kh + i) * kw + j);
              }
            }
          }
        }
      }
    }
  }
}

// The textbook definition, one output element at a time, in float64.
export function naiveConv2d(x: ArrayLike<number>, xShape: number[], w: ArrayLike<number>, wShape: number[], bias: ArrayLike<number> | null, options: NaiveConv = {}): { shape: number[]; data: number[] } {
  const shape = outputShape(xShape, wShape, options);
  const [, o, outH, outW] = shape;
  const data = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, out) => (bias ? bias[Math.floor(out / (outH * outW)) % o]! : 0));
  forEachProduct(xShape, wShape, options, (out, input, weight) => {
    data[out]! += x[input]! * w[weight]!;
  });
  return { shape, data };
}

// The weight gradient of naiveConv2d, by its definition: each weight collects every
// (output gradient × input) pair it multiplied, in float64.
export function naiveConv2dWeightGradient(x: ArrayLike<number>, xShape: number[], gradOut: ArrayLike<number>, wShape: number[], options: NaiveConv = {}): number[] {
  const grad = new Array<number>(wShape.reduce((a, b) => a * b, 1)).fill(0);
  forEachProduct(xShape, wShape, options, (out, input, weight) => {
    grad[weight]! += gradOut[out]! * x[input]!;
  });
  return grad;
}

// The input gradient of naiveConv2d, by its definition: each input element collects every
// (output gradient × weight) pair it was multiplied by, in float64.
export function naiveConv2dInputGradient(xShape: number[], gradOut: ArrayLike<number>, w: ArrayLike<number>, wShape: number[], options: NaiveConv = {}): number[] {
  const grad = new Array<number>(xShape.reduce((a, b) => a * b, 1)).fill(0);
  forEachProduct(xShape, wShape, options, (out, input, weight) => {
    grad[input]! += gradOut[out]! * w[weight]!;
  });
  return grad;
}
