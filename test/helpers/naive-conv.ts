type Pair = [number, number];

export interface NaiveConv {
  stride?: Pair;
  /** [top, bottom, left, right] */
  padding?: [number, number, number, number];
  dilation?: Pair;
  groups?: number;
}

// The textbook definition, one output element at a time, in float64.
export function naiveConv2d(x: ArrayLike<number>, xShape: number[], w: ArrayLike<number>, wShape: number[], bias: ArrayLike<number> | null, options: NaiveConv = {}): { shape: number[]; data: number[] } {
  const [n, c, h, wd] = xShape as [number, number, number, number];
  const [o, cg, kh, kw] = wShape as [number, number, number, number];
  const [sh, sw] = options.stride ?? [1, 1];
  const [top, bottom, left, right] = options.padding ?? [0, 0, 0, 0];
  const [dh, dw] = options.dilation ?? [1, 1];
  const groups = options.groups ?? 1;
  const outH = Math.floor((h + top + bottom - dh * (kh - 1) - 1) / sh) + 1;
  const outW = Math.floor((wd + left + right - dw * (kw - 1) - 1) / sw) + 1;
  const og = o / groups;
  const data: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < o; oc++) {
      const group = Math.floor(oc / og);
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          let total = bias ? bias[oc]! : 0;
          for (let ic = 0; ic < cg; ic++) {
            for (let i = 0; i < kh; i++) {
              for (let j = 0; j < kw; j++) {
                const iy = oy * sh - top + i * dh;
                const ix = ox * sw - left + j * dw;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                const channel = group * cg + ic;
                total += x[((b * c + channel) * h + iy) * wd + ix]! * w[((oc * cg + ic) * kh + i) * kw + j]!;
              }
            }
          }
          data.push(total);
        }
      }
    }
  }
  return { shape: [n, o, outH, outW], data };
}

// The weight gradient of naiveConv2d, by its definition: each weight collects every
// (output gradient × input) pair it multiplied, in float64.
export function naiveConv2dWeightGradient(x: ArrayLike<number>, xShape: number[], gradOut: ArrayLike<number>, wShape: number[], options: NaiveConv = {}): number[] {
  const [n, c, h, wd] = xShape as [number, number, number, number];
  const [o, cg, kh, kw] = wShape as [number, number, number, number];
  const [sh, sw] = options.stride ?? [1, 1];
  const [top, bottom, left, right] = options.padding ?? [0, 0, 0, 0];
  const [dh, dw] = options.dilation ?? [1, 1];
  const groups = options.groups ?? 1;
  const outH = Math.floor((h + top + bottom - dh * (kh - 1) - 1) / sh) + 1;
  const outW = Math.floor((wd + left + right - dw * (kw - 1) - 1) / sw) + 1;
  const og = o / groups;
  const grad = new Array<number>(o * cg * kh * kw).fill(0);
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < o; oc++) {
      const group = Math.floor(oc / og);
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          const g = gradOut[((b * o + oc) * outH + oy) * outW + ox]!;
          for (let ic = 0; ic < cg; ic++) {
            for (let i = 0; i < kh; i++) {
              for (let j = 0; j < kw; j++) {
                const iy = oy * sh - top + i * dh;
                const ix = ox * sw - left + j * dw;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                grad[((oc * cg + ic) * kh + i) * kw + j]! += g * x[((b * c + group * cg + ic) * h + iy) * wd + ix]!;
              }
            }
          }
        }
      }
    }
  }
  return grad;
}

// The input gradient of naiveConv2d, by its definition: each input element collects every
// (output gradient × weight) pair it was multiplied by, in float64.
export function naiveConv2dInputGradient(xShape: number[], gradOut: ArrayLike<number>, w: ArrayLike<number>, wShape: number[], options: NaiveConv = {}): number[] {
  const [n, c, h, wd] = xShape as [number, number, number, number];
  const [o, cg, kh, kw] = wShape as [number, number, number, number];
  const [sh, sw] = options.stride ?? [1, 1];
  const [top, bottom, left, right] = options.padding ?? [0, 0, 0, 0];
  const [dh, dw] = options.dilation ?? [1, 1];
  const groups = options.groups ?? 1;
  const outH = Math.floor((h + top + bottom - dh * (kh - 1) - 1) / sh) + 1;
  const outW = Math.floor((wd + left + right - dw * (kw - 1) - 1) / sw) + 1;
  const og = o / groups;
  const grad = new Array<number>(n * c * h * wd).fill(0);
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < o; oc++) {
      const group = Math.floor(oc / og);
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          const g = gradOut[((b * o + oc) * outH + oy) * outW + ox]!;
          for (let ic = 0; ic < cg; ic++) {
            for (let i = 0; i < kh; i++) {
              for (let j = 0; j < kw; j++) {
                const iy = oy * sh - top + i * dh;
                const ix = ox * sw - left + j * dw;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                grad[((b * c + group * cg + ic) * h + iy) * wd + ix]! += g * w[((oc * cg + ic) * kh + i) * kw + j]!;
              }
            }
          }
        }
      }
    }
  }
  return grad;
}
