// The NaN/Infinity test shared by allFinite (one tensor) and firstNonFiniteTensor (an optimizer
// step's gradients), and the test for logits, where -Infinity masks a class. Not re-exported by
// index.ts: they are inlined into the kernels.

// v - v is 0 exactly for finite v (NaN for NaN and ±Infinity).
@inline export function allValuesFinite(x: usize, n: i32): bool {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    if (!i32x4.all_true(f32x4.eq(f32x4.sub(v, v), zero))) return false;
  }
  for (; i < n; i++) {
    if (!isFinite<f32>(load<f32>(x + (<usize>i << 2)))) return false;
  }
  return true;
}

// v < +Infinity is false exactly for NaN and +Infinity.
@inline export function allBelowInfinity(x: usize, n: i32): bool {
  const infinity = f32x4.splat(Infinity);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    if (!i32x4.all_true(f32x4.lt(v128.load(x + (<usize>i << 2)), infinity))) return false;
  }
  for (; i < n; i++) {
    if (!(load<f32>(x + (<usize>i << 2)) < Infinity)) return false;
  }
  return true;
}
