import { tensor, type Tensor } from 'simdgrad';

// The [2, 3, 4] input several op tests share: round(sin(1.3 i + 0.3), 3). Expected values in
// those tests were computed from it by PyTorch 1.13 in float64 (the script's lines are quoted
// next to them).
export const SAMPLE = [
  0.296, 1.0, 0.239, -0.872, -0.706, 0.494, 0.97, 0.025, -0.957, -0.537, 0.67, 0.895,
  -0.191, -0.997, -0.342, 0.814, 0.778, -0.398, -0.99, -0.132, 0.92, 0.624, -0.586, -0.938,
];
export const SAMPLE_SHAPE = [2, 3, 4];

export function sample(requiresGrad = false): Tensor {
  return tensor(SAMPLE, SAMPLE_SHAPE, { requiresGrad });
}

/** The upstream gradient cos(0.9 i) for a result of this shape. */
export function cosineUpstream(shape: number[]): Tensor {
  const size = shape.reduce((n, d) => n * d, 1);
  return tensor(Float32Array.from({ length: size }, (_, i) => Math.cos(0.9 * i)), shape);
}

/**
 * Distinct values 0.1 apart, none 0 (count not a multiple of 7), so finite differences never
 * cross a tie or the kink of abs at 0.
 */
export function spread(count: number): number[] {
  return Array.from({ length: count }, (_, i) => ((i * 7) % count) * 0.1 - 0.55);
}

/** Smooth values in (-0.8, 0.8) for a tensor of this shape: 0.8 sin(1.37 i + seed), exact in float32. */
export function sequence(shape: number[], seed: number): { shape: number[]; data: number[] } {
  const size = shape.reduce((n, d) => n * d, 1);
  return { shape, data: Array.from(Float32Array.from({ length: size }, (_, i) => 0.8 * Math.sin(1.37 * i + seed))) };
}
