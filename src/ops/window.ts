/** A 2-D size, stride, padding or dilation: one number for both, or [height, width]. */
export type SpatialSize = number | readonly [number, number];

/** Resolves a SpatialSize to [h, w], or throws naming the op and the argument. */
export function spatialPair(op: string, value: SpatialSize, name: string, min: number): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && v >= min)) {
    throw new Error(`simdgrad: ${op}: ${name} must be ${min > 0 ? 'a positive' : 'a non-negative'} integer or a pair [h, w] of them, got ${JSON.stringify(value)}.`);
  }
  return [pair[0]!, pair[1]!];
}
