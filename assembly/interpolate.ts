// Resizing [planes, inH, inW] images to [planes, outH, outW] (F.interpolate's 'nearest' and
// 'bilinear' modes) and the gradients back. Four output columns at a time: their source
// positions and weights are computed as vectors, the source pixels gathered lane by lane (they
// are not contiguous in general), and the blend done on vectors; bilinear resizes along W first,
// once per source row, and blends rows as whole vectors. The backward passes scatter
// each output's gradient to the source pixels it read, lane by lane, into a zeroed gradient.
//
// `scaleH` and `scaleW` map output to source coordinates as PyTorch computes them (in float32):
// nearest reads floor((dst + offset) * scale), offset 0 for PyTorch's legacy 'nearest' and 0.5
// for 'nearest-exact' (pixel centres); bilinear reads dst * scale with alignCorners, otherwise
// (dst + 0.5) * scale - 0.5 clamped at 0, and blends floor(src) and the next pixel (the last
// pixel repeats at the edge).

import { loadPartial, storePartial } from './vector-math';

const LANE_OFFSETS = memory.data<f32>([0, 1, 2, 3]);

@inline function bytes(n: i32): usize {
  return <usize>n << 2;
}

// Output columns j0 .. j0 + 3, the ones past the last column clamped to it so they read valid pixels.
@inline function columnsX4(j0: i32, last: i32): v128 {
  return f32x4.min(f32x4.add(f32x4.splat(<f32>j0), v128.load(LANE_OFFSETS)), f32x4.splat(<f32>last));
}

@inline function bilinearSource(dst: f32, scale: f32, alignCorners: bool): f32 {
  return alignCorners ? dst * scale : max<f32>((dst + 0.5) * scale - 0.5, 0);
}

@inline function bilinearSourceX4(dst: v128, scale: f32, alignCorners: bool): v128 {
  if (alignCorners) return f32x4.mul(dst, f32x4.splat(scale));
  const half = f32x4.splat(0.5);
  return f32x4.max(f32x4.sub(f32x4.mul(f32x4.add(dst, half), f32x4.splat(scale)), half), f32x4.splat(0));
}

@inline function nearestSourceX4(dst: v128, offset: f32, scale: f32, last: i32): v128 {
  const source = f32x4.floor(f32x4.mul(f32x4.add(dst, f32x4.splat(offset)), f32x4.splat(scale)));
  return i32x4.min_s(i32x4.trunc_sat_f32x4_s(source), i32x4.splat(last));
}

@inline function nearestSource(dst: i32, offset: f32, scale: f32, last: i32): i32 {
  return min(<i32>Mathf.floor((<f32>dst + offset) * scale), last);
}

@inline function gatherX4(row: usize, index: v128): v128 {
  let v = f32x4.splat(load<f32>(row + bytes(i32x4.extract_lane(index, 0))));
  v = f32x4.replace_lane(v, 1, load<f32>(row + bytes(i32x4.extract_lane(index, 1))));
  v = f32x4.replace_lane(v, 2, load<f32>(row + bytes(i32x4.extract_lane(index, 2))));
  return f32x4.replace_lane(v, 3, load<f32>(row + bytes(i32x4.extract_lane(index, 3))));
}

@inline function scatterAddLane(row: usize, at: i32, value: f32): void {
  const p = row + bytes(at);
  store<f32>(p, load<f32>(p) + value);
}

// row[index[k]] += values[k] for the first `count` (1..4) lanes.
@inline function scatterAddX4(row: usize, index: v128, values: v128, count: i32): void {
  scatterAddLane(row, i32x4.extract_lane(index, 0), f32x4.extract_lane(values, 0));
  if (count > 1) scatterAddLane(row, i32x4.extract_lane(index, 1), f32x4.extract_lane(values, 1));
  if (count > 2) scatterAddLane(row, i32x4.extract_lane(index, 2), f32x4.extract_lane(values, 2));
  if (count > 3) scatterAddLane(row, i32x4.extract_lane(index, 3), f32x4.extract_lane(values, 3));
}

// Upsampling reads each source row for several output rows in a row: those after the first are
// copies of the row before.
export function interpolateNearestForward(x: usize, out: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32, scaleH: f32, scaleW: f32, offset: f32): void {
  for (let p = 0; p < planes; p++) {
    let previous = -1;
    for (let i = 0; i < outH; i++) {
      const sourceRow = nearestSource(i, offset, scaleH, inH - 1);
      const target = out + bytes((p * outH + i) * outW);
      if (sourceRow == previous) {
        copyRow(target - bytes(outW), target, outW);
        continue;
      }
      previous = sourceRow;
      const source = x + bytes((p * inH + sourceRow) * inW);
      for (let j = 0; j < outW; j += 4) {
        const index = nearestSourceX4(columnsX4(j, outW - 1), offset, scaleW, inW - 1);
        storePartial(target + bytes(j), gatherX4(source, index), outW - j);
      }
    }
  }
}

@inline function copyRow(from: usize, to: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(to + bytes(i), v128.load(from + bytes(i)));
  for (; i < n; i++) store<f32>(to + bytes(i), load<f32>(from + bytes(i)));
}

export function interpolateNearestBackward(grad: usize, gradInput: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32, scaleH: f32, scaleW: f32, offset: f32): void {
  memory.fill(gradInput, 0, bytes(planes * inH * inW));
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < outH; i++) {
      const target = gradInput + bytes((p * inH + nearestSource(i, offset, scaleH, inH - 1)) * inW);
      const source = grad + bytes((p * outH + i) * outW);
      for (let j = 0; j < outW; j += 4) {
        const index = nearestSourceX4(columnsX4(j, outW - 1), offset, scaleW, inW - 1);
        scatterAddX4(target, index, loadPartial(source + bytes(j), outW - j, 0), outW - j);
      }
    }
  }
}

// One source row resized along W into `to` (outW floats): the horizontal half of bilinear.
function resizeRowBilinear(row: usize, to: usize, inW: i32, outW: i32, scaleW: f32, align: bool): void {
  const one = f32x4.splat(1);
  for (let j = 0; j < outW; j += 4) {
    const sx = bilinearSourceX4(columnsX4(j, outW - 1), scaleW, align);
    const x0 = i32x4.min_s(i32x4.trunc_sat_f32x4_s(sx), i32x4.splat(inW - 1));
    const x1 = i32x4.min_s(i32x4.add(x0, i32x4.splat(1)), i32x4.splat(inW - 1));
    const lx = f32x4.sub(sx, f32x4.convert_i32x4_s(x0));
    storePartial(to + bytes(j), f32x4.add(f32x4.mul(f32x4.sub(one, lx), gatherX4(row, x0)), f32x4.mul(lx, gatherX4(row, x1))), outW - j);
  }
}

// Separable: each source row a plane needs is resized along W once, into one of two scratch rows
// (2 * outW floats) that hold the rows above and below the current output row; each output row
// is then a vector blend of the two. The sums are PyTorch's, in its order.
export function interpolateBilinearForward(
  x: usize, out: usize, scratch: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32, scaleH: f32, scaleW: f32, alignCorners: i32,
): void {
  const align = alignCorners != 0;
  for (let p = 0; p < planes; p++) {
    let upper = scratch;
    let lower = scratch + bytes(outW);
    let upperRow = -1;
    let lowerRow = -1;
    for (let i = 0; i < outH; i++) {
      const sy = bilinearSource(<f32>i, scaleH, align);
      const y0 = min(<i32>sy, inH - 1);
      const y1 = min(y0 + 1, inH - 1);
      if (upperRow != y0 && lowerRow == y0) {
        const held = upper;
        upper = lower;
        lower = held;
        lowerRow = upperRow;
        upperRow = y0;
      }
      if (upperRow != y0) {
        resizeRowBilinear(x + bytes((p * inH + y0) * inW), upper, inW, outW, scaleW, align);
        upperRow = y0;
      }
      if (lowerRow != y1) {
        resizeRowBilinear(x + bytes((p * inH + y1) * inW), lower, inW, outW, scaleW, align);
        lowerRow = y1;
      }
      const ly = f32x4.splat(sy - <f32>y0);
      const ky = f32x4.sub(f32x4.splat(1), ly);
      const target = out + bytes((p * outH + i) * outW);
      for (let j = 0; j < outW; j += 4) {
        const v = f32x4.add(f32x4.mul(ky, loadPartial(upper + bytes(j), outW - j, 0)), f32x4.mul(ly, loadPartial(lower + bytes(j), outW - j, 0)));
        storePartial(target + bytes(j), v, outW - j);
      }
    }
  }
}

export function interpolateBilinearBackward(
  grad: usize, gradInput: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32, scaleH: f32, scaleW: f32, alignCorners: i32,
): void {
  const align = alignCorners != 0;
  const one = f32x4.splat(1);
  memory.fill(gradInput, 0, bytes(planes * inH * inW));
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < outH; i++) {
      const sy = bilinearSource(<f32>i, scaleH, align);
      const y0 = min(<i32>sy, inH - 1);
      const ly = f32x4.splat(sy - <f32>y0);
      const top = gradInput + bytes((p * inH + y0) * inW);
      const bottom = gradInput + bytes((p * inH + min(y0 + 1, inH - 1)) * inW);
      const source = grad + bytes((p * outH + i) * outW);
      for (let j = 0; j < outW; j += 4) {
        const count = outW - j;
        const sx = bilinearSourceX4(columnsX4(j, outW - 1), scaleW, align);
        const x0 = i32x4.min_s(i32x4.trunc_sat_f32x4_s(sx), i32x4.splat(inW - 1));
        const x1 = i32x4.min_s(i32x4.add(x0, i32x4.splat(1)), i32x4.splat(inW - 1));
        const lx = f32x4.sub(sx, f32x4.convert_i32x4_s(x0));
        const g = loadPartial(source + bytes(j), count, 0);
        const upper = f32x4.mul(f32x4.sub(one, ly), g);
        const lower = f32x4.mul(ly, g);
        scatterAddX4(top, x0, f32x4.mul(f32x4.sub(one, lx), upper), count);
        scatterAddX4(top, x1, f32x4.mul(lx, upper), count);
        scatterAddX4(bottom, x0, f32x4.mul(f32x4.sub(one, lx), lower), count);
        scatterAddX4(bottom, x1, f32x4.mul(lx, lower), count);
      }
    }
  }
}
