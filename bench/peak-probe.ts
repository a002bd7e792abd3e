// AssemblyScript source of the machine's f32x4 multiply-add peak, compiled by bench/peak.mjs when
// the simdgrad module has no peakProbe of its own.
//
// Twelve chains acc = acc·x + y: each multiply needs its own accumulator, so no compiler can hoist
// or share it, and twelve independent chains cover the multiply and add latencies. x and y come
// from memory so nothing is folded at compile time; with x = 0.5 and y = 0.25 every lane settles
// at 0.5, far from overflow and denormals. One iteration is 12 · 4 multiplies and as many adds.
export function peakProbe(iterations: i32, operands: usize): f32 {
  const x = v128.load(operands);
  const y = v128.load(operands, 16);
  let a0 = f32x4.splat(0), a1 = f32x4.splat(1), a2 = f32x4.splat(2), a3 = f32x4.splat(3);
  let a4 = f32x4.splat(4), a5 = f32x4.splat(5), a6 = f32x4.splat(6), a7 = f32x4.splat(7);
  let a8 = f32x4.splat(8), a9 = f32x4.splat(9), a10 = f32x4.splat(10), a11 = f32x4.splat(11);
  for (let i = 0; i < iterations; i++) {
    a0 = f32x4.add(f32x4.mul(a0, x), y);
    a1 = f32x4.add(f32x4.mul(a1, x), y);
    a2 = f32x4.add(f32x4.mul(a2, x), y);
    a3 = f32x4.add(f32x4.mul(a3, x), y);
    a4 = f32x4.add(f32x4.mul(a4, x), y);
    a5 = f32x4.add(f32x4.mul(a5, x), y);
    a6 = f32x4.add(f32x4.mul(a6, x), y);
    a7 = f32x4.add(f32x4.mul(a7, x), y);
    a8 = f32x4.add(f32x4.mul(a8, x), y);
    a9 = f32x4.add(f32x4.mul(a9, x), y);
    a10 = f32x4.add(f32x4.mul(a10, x), y);
    a11 = f32x4.add(f32x4.mul(a11, x), y);
  }
  const sum = f32x4.add(
    f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(a4, a5)),
    f32x4.add(f32x4.add(f32x4.add(a6, a7), f32x4.add(a8, a9)), f32x4.add(a10, a11)),
  );
  return f32x4.extract_lane(sum, 0);
}
