export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function checkShape(shape: readonly number[], what: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new Error(`simdgrad: ${what}: invalid shape ${formatShape(shape)}; every dimension must be a non-negative integer.`);
    }
  }
}

/** Resolves a possibly negative axis against ndim, or throws naming the op. */
export function normalizeAxis(axis: number, ndim: number, op: string): number {
  const resolved = axis < 0 ? axis + ndim : axis;
  if (!Number.isInteger(axis) || resolved < 0 || resolved >= Math.max(ndim, 1)) {
    throw new Error(`simdgrad: ${op}: dim ${axis} is out of range for a tensor with ${ndim} dimensions (valid: ${-Math.max(ndim, 1)}..${Math.max(ndim, 1) - 1}).`);
  }
  return resolved;
}
