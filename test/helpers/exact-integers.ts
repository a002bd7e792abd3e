/**
 * Small integers in [-3, 3] from a fixed generator: every product and partial sum of a matrix
 * product over them is exact in float32, so a kernel must match a float64 reference exactly,
 * whatever its blocking, summation order or fused multiply-add.
 */
export function exactIntegers(count: number, seed: number): Float64Array {
  const values = new Float64Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    values[i] = (state >>> 16) % 7 - 3;
  }
  return values;
}
