// One N-D strided copy (up to 6 dimensions) behind permute, transpose, slice, narrow, expand,
// cat, stack, split and their backward passes. Sizes and strides are in elements, outermost
// dimension first; unused leading dimensions have size 1. The host merges dimensions first, so
// the innermost one is usually a long contiguous run.

// dst[sum_k i_k * d_k] = src[sum_k i_k * s_k] for every index (i0, ..., i5) below (n0, ..., n5).
export function stridedCopy(
  src: usize, dst: usize,
  n0: i32, n1: i32, n2: i32, n3: i32, n4: i32, n5: i32,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32, s5: i32,
  d0: i32, d1: i32, d2: i32, d3: i32, d4: i32, d5: i32,
): void {
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
