// The most common pooling window, 2x2 with stride 2 and no padding, four outputs at a time: two
// input rows of eight floats give four windows, whose left and right columns the shuffles
// separate. A last group that would run past the row is done as the four last outputs instead, so
// it overlaps the group before; every pass here stores pure functions of its inputs, so storing
// a value twice is harmless. Rows and columns past 2*outH and 2*outW (odd sizes) belong to no
// window. Callers check `fitsPairwise` first.

@inline function bytes(n: i32): usize {
  return <usize>n << 2;
}

export function fitsPairwise(
  height: i32, width: i32, outH: i32, outW: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32,
): bool {
  const window = kh == 2 && kw == 2 && sh == 2 && sw == 2 && dh == 1 && dw == 1;
  return window && ph == 0 && pw == 0 && outW >= 4 && outH * 2 <= height && outW * 2 <= width;
}

@inline function leftColumns(row: usize, x: i32): v128 {
  return f32x4.shuffle(v128.load(row + bytes(2 * x)), v128.load(row + bytes(2 * x + 4)), 0, 2, 4, 6);
}

@inline function rightColumns(row: usize, x: i32): v128 {
  return f32x4.shuffle(v128.load(row + bytes(2 * x)), v128.load(row + bytes(2 * x + 4)), 1, 3, 5, 7);
}

// Lanes where `later` replaces `best` in a scan in window order: PyTorch keeps the first maximum
// and lets every NaN win. Taking the pairs top row, bottom row, then the two rows gives the same
// result as the plain scan, ties and NaN included.
@inline function replaces(later: v128, best: v128): v128 {
  return v128.or(f32x4.gt(later, best), f32x4.ne(later, later));
}

// The same values as the scan without tracking where they came from: pmax keeps its first
// operand unless the second is greater, so ties go to the earlier element, but it drops a NaN in
// the second operand, so any NaN in the window sets the lane to all ones, a NaN.
@inline function windowMax(tl: v128, tr: v128, bl: v128, br: v128): v128 {
  const anyNaN = v128.or(v128.or(f32x4.ne(tl, tl), f32x4.ne(tr, tr)), v128.or(f32x4.ne(bl, bl), f32x4.ne(br, br)));
  return v128.or(f32x4.pmax(f32x4.pmax(tl, tr), f32x4.pmax(bl, br)), anyNaN);
}

// Flat index, within the plane, of each of four windows' top-left input.
@inline function topLeftIndices(oy: i32, x: i32, width: i32): v128 {
  return i32x4.add(i32x4.splat(2 * oy * width + 2 * x), i32x4(0, 2, 4, 6));
}

export function maxPool2x2Forward(input: usize, out: usize, argmax: usize, planes: i32, height: i32, width: i32, outH: i32, outW: i32): void {
  for (let p = 0; p < planes; p++) {
    for (let oy = 0; oy < outH; oy++) {
      const top = input + bytes((p * height + 2 * oy) * width);
      const bottom = top + bytes(width);
      const o = (p * outH + oy) * outW;
      for (let ox = 0; ox < outW; ox += 4) {
        const x = min(ox, outW - 4);
        const tl = leftColumns(top, x);
        const tr = rightColumns(top, x);
        const bl = leftColumns(bottom, x);
        const br = rightColumns(bottom, x);
        if (!argmax) {
          v128.store(out + bytes(o + x), windowMax(tl, tr, bl, br));
          continue;
        }
        const topRight = replaces(tr, tl);
        const topMax = v128.bitselect(tr, tl, topRight);
        const bottomRight = replaces(br, bl);
        const bottomMax = v128.bitselect(br, bl, bottomRight);
        const down = replaces(bottomMax, topMax);
        v128.store(out + bytes(o + x), v128.bitselect(bottomMax, topMax, down));
        // The masks are -1 where true: subtracting the chosen row's mask steps one column right.
        const right = v128.bitselect(bottomRight, topRight, down);
        const at = i32x4.add(i32x4.sub(topLeftIndices(oy, x, width), right), v128.and(down, i32x4.splat(width)));
        v128.store(argmax + bytes(o + x), at);
      }
    }
  }
}

// The windows do not overlap, so each input element takes its window's gradient or zero, and
// is written exactly once.
export function maxPool2x2Backward(gradOut: usize, argmax: usize, gradInput: usize, planes: i32, height: i32, width: i32, outH: i32, outW: i32): void {
  const step = i32x4.splat(1);
  const down = i32x4.splat(width);
  for (let p = 0; p < planes; p++) {
    const plane = gradInput + bytes(p * height * width);
    for (let oy = 0; oy < outH; oy++) {
      const top = plane + bytes(2 * oy * width);
      const bottom = top + bytes(width);
      const o = (p * outH + oy) * outW;
      for (let ox = 0; ox < outW; ox += 4) {
        const x = min(ox, outW - 4);
        const g = v128.load(gradOut + bytes(o + x));
        const at = v128.load(argmax + bytes(o + x));
        const tlIndex = topLeftIndices(oy, x, width);
        const blIndex = i32x4.add(tlIndex, down);
        const tl = v128.and(g, i32x4.eq(at, tlIndex));
        const tr = v128.and(g, i32x4.eq(at, i32x4.add(tlIndex, step)));
        const bl = v128.and(g, i32x4.eq(at, blIndex));
        const br = v128.and(g, i32x4.eq(at, i32x4.add(blIndex, step)));
        storeInterleaved(top + bytes(2 * x), tl, tr);
        storeInterleaved(bottom + bytes(2 * x), bl, br);
      }
    }
    zeroUncovered(plane, height, width, outH, outW);
  }
}

export function avgPool2x2Forward(input: usize, out: usize, planes: i32, height: i32, width: i32, outH: i32, outW: i32): void {
  const quarter = f32x4.splat(0.25);
  for (let p = 0; p < planes; p++) {
    for (let oy = 0; oy < outH; oy++) {
      const top = input + bytes((p * height + 2 * oy) * width);
      const bottom = top + bytes(width);
      const o = (p * outH + oy) * outW;
      for (let ox = 0; ox < outW; ox += 4) {
        const x = min(ox, outW - 4);
        // Summed in window order, as the general path does, so both give the same floats.
        const sum = f32x4.add(f32x4.add(f32x4.add(leftColumns(top, x), rightColumns(top, x)), leftColumns(bottom, x)), rightColumns(bottom, x));
        v128.store(out + bytes(o + x), f32x4.mul(sum, quarter));
      }
    }
  }
}

export function avgPool2x2Backward(gradOut: usize, gradInput: usize, planes: i32, height: i32, width: i32, outH: i32, outW: i32): void {
  const quarter = f32x4.splat(0.25);
  for (let p = 0; p < planes; p++) {
    const plane = gradInput + bytes(p * height * width);
    for (let oy = 0; oy < outH; oy++) {
      const top = plane + bytes(2 * oy * width);
      const bottom = top + bytes(width);
      const o = (p * outH + oy) * outW;
      for (let ox = 0; ox < outW; ox += 4) {
        const x = min(ox, outW - 4);
        const share = f32x4.mul(v128.load(gradOut + bytes(o + x)), quarter);
        storeInterleaved(top + bytes(2 * x), share, share);
        storeInterleaved(bottom + bytes(2 * x), share, share);
      }
    }
    zeroUncovered(plane, height, width, outH, outW);
  }
}

// Stores l0 r0 l1 r1 l2 r2 l3 r3: four windows' left and right columns back in row order.
@inline function storeInterleaved(row: usize, left: v128, right: v128): void {
  v128.store(row, f32x4.shuffle(left, right, 0, 4, 1, 5));
  v128.store(row + 16, f32x4.shuffle(left, right, 2, 6, 3, 7));
}

function zeroUncovered(plane: usize, height: i32, width: i32, outH: i32, outW: i32): void {
  const covered = 2 * outW;
  if (covered < width) {
    for (let iy = 0; iy < 2 * outH; iy++) memory.fill(plane + bytes(iy * width + covered), 0, bytes(width - covered));
  }
  memory.fill(plane + bytes(2 * outH * width), 0, bytes((height - 2 * outH) * width));
}
