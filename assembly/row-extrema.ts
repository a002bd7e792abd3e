// The largest and smallest value of a contiguous row, four lanes at a time. f32x4.max/min
// propagate NaN, so a row holding NaN has extreme value NaN. Not re-exported by index.ts:
// kernels call them.

@inline export function rowMax(row: usize, n: i32): f32 {
  let acc = f32x4.splat(-Infinity);
  let k = 0;
  for (; k + 4 <= n; k += 4) acc = f32x4.max(acc, v128.load(row + (<usize>k << 2)));
  let m = max(max(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), max(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));
  for (; k < n; k++) m = max(m, load<f32>(row + (<usize>k << 2)));
  return m;
}

@inline export function rowMin(row: usize, n: i32): f32 {
  let acc = f32x4.splat(Infinity);
  let k = 0;
  for (; k + 4 <= n; k += 4) acc = f32x4.min(acc, v128.load(row + (<usize>k << 2)));
  let m = min(min(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), min(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));
  for (; k < n; k++) m = min(m, load<f32>(row + (<usize>k << 2)));
  return m;
}
