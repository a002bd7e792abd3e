// One N-D strided copy (up to 6 dimensions) behind permute, transpose, slice, narrow, expand,
// cat, stack, split and their backward passes. Sizes and strides are in elements, outermost
// dimension first; unused leading dimensions have size 1. The host merges dimensions first, so
// the innermost one is usually a long contiguous run; when it is not but the one before is
// contiguous in the source (a transpose), the last two dimensions go in 4x4 SIMD tiles.

import { storeTransposed4x4 } from './gemm-blocking';

// Rows of the source walked per block of transposed tiles, so their lines stay in L1.
const TILE_ROWS: i32 = 64;

// dst[sum_k i_k * d_k] = src[sum_k i_k * s_k] for every index (i0, ..., i5) below (n0, ..., n5).
export function stridedCopy(
  src: usize, dst: usize,
  n0: i32, n1: i32, n2: i32, n3: i32, n4: i32, n5: i32,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32, s5: i32,
  d0: i32, d1: i32, d2: i32, d3: i32, d4: i32, d5: i32,
): void {
  if (s4 == 1 && d5 == 1 && s5 != 0 && n4 >= 4 && n5 >= 4) {
    for (let i0 = 0; i0 < n0; i0++) {
      for (let i1 = 0; i1 < n1; i1++) {
        for (let i2 = 0; i2 < n2; i2++) {
          for (let i3 = 0; i3 < n3; i3++) {
            const from = i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3;
            const to = i0 * d0 + i1 * d1 + i2 * d2 + i3 * d3;
            transposeBlock(src + (<usize>from << 2), dst + (<usize>to << 2), n4, n5, s5, d4);
          }
        }
      }
    }
    return;
  }
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      for (let i2 = 0; i2 < n2; i2++) {
        for (let i3 = 0; i3 < n3; i3++) {
          for (let i4 = 0; i4 < n4; i4++) {
            const from = i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3 + i4 * s4;
            const to = i0 * d0 + i1 * d1 + i2 * d2 + i3 * d3 + i4 * d4;
            copyRun(src + (<usize>from << 2), dst + (<usize>to << 2), n5, s5, d5);
          }
        }
      }
    }
  }
}

// Inline v128 loops: memory.copy on short runs costs more to call than to run.
@inline function copyRun(src: usize, dst: usize, n: i32, srcStride: i32, dstStride: i32): void {
  let i = 0;
  if (srcStride == 1 && dstStride == 1) {
    for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
    for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
  } else if (srcStride == 0 && dstStride == 1) {
    const value = load<f32>(src);
    const splat = f32x4.splat(value);
    for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), splat);
    for (; i < n; i++) store<f32>(dst + (<usize>i << 2), value);
  } else {
    for (; i < n; i++) store<f32>(dst + (<usize>(i * dstStride) << 2), load<f32>(src + (<usize>(i * srcStride) << 2)));
  }
}

// dst[r * dstRowStride + c] = src[r + c * srcColStride] for r < rows, c < cols.
function transposeBlock(src: usize, dst: usize, rows: i32, cols: i32, srcColStride: i32, dstRowStride: i32): void {
  const rowBytes = <usize>dstRowStride << 2;
  for (let block = 0; block < rows; block += TILE_ROWS) {
    const blockEnd = min(block + TILE_ROWS, rows);
    const tiledEnd = block + ((blockEnd - block) & ~3);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const line = src + (<usize>(c * srcColStride) << 2);
      const lineBytes = <usize>srcColStride << 2;
      for (let r = block; r < tiledEnd; r += 4) {
        const at = line + (<usize>r << 2);
        storeTransposed4x4(v128.load(at), v128.load(at + lineBytes), v128.load(at + 2 * lineBytes), v128.load(at + 3 * lineBytes), dst + <usize>r * rowBytes + (<usize>c << 2), rowBytes);
      }
      for (let r = tiledEnd; r < blockEnd; r++) {
        for (let j = c; j < c + 4; j++) store<f32>(dst + <usize>r * rowBytes + (<usize>j << 2), load<f32>(src + (<usize>(r + j * srcColStride) << 2)));
      }
    }
    for (; c < cols; c++) {
      for (let r = block; r < blockEnd; r++) store<f32>(dst + <usize>r * rowBytes + (<usize>c << 2), load<f32>(src + (<usize>(r + c * srcColStride) << 2)));
    }
  }
}
