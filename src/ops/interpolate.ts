import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { formatShape } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { checkBoolean, checkOneOf, checkOptions, checkTensor, describe } from '../check-args.js';

export type InterpolateMode = 'nearest' | 'bilinear';

export interface InterpolateOptions {
  /** The output size [outH, outW], or one number for both; give this or scaleFactor (no default). */
  size?: number | readonly [number, number];
  /** Multiplier of the input size, output floor(H·scale); one number or [h, w]; give this or size (no default). */
  scaleFactor?: number | readonly [number, number];
  /** 'nearest' (default; PyTorch's legacy nearest, reading floor(dst·in/out)) or 'bilinear'. */
  mode?: InterpolateMode;
  /** Bilinear only: align the corner pixels' centres instead of the edges (default false). */
  alignCorners?: boolean;
}

/** What an exporter needs: the mode, and the scales or sizes the output was computed from. */
export interface InterpolateAttributes {
  mode: InterpolateMode;
  alignCorners: boolean;
  outputSize: [number, number];
  scaleFactor: [number, number] | null;
}

/**
 * Resizes [N, C, H, W] images, as torch.nn.functional.interpolate in 'nearest' and 'bilinear'
 * modes: to `size`, or to floor(H·scaleFactor) x floor(W·scaleFactor) reading the source at
 * dst/scaleFactor (not recomputed from the rounded size, as PyTorch by default).
 */
export function interpolate(input: Tensor, options: InterpolateOptions): Tensor {
  checkTensor('interpolate', 'input', input);
  const { mode, alignCorners, size, scaleFactor } = resolveInterpolateOptions('interpolate', options);
  if (input.ndim !== 4) throw new Error(`simdgrad: interpolate: expected a 4-D input [N, C, H, W], got ${formatShape(input.shape)}.`);
  const [batch, channels, height, width] = input.shape as [number, number, number, number];
  const outputSize: [number, number] = size ?? [Math.floor(height * scaleFactor![0]), Math.floor(width * scaleFactor![1])];
  if (outputSize[0] < 1 || outputSize[1] < 1) {
    throw new Error(`simdgrad: interpolate: scaleFactor ${describe(options.scaleFactor)} shrinks ${height}x${width} to ${outputSize.join('x')}; the output needs at least one pixel.`);
  }
  const [outH, outW] = outputSize;
  const scaleH = sourceScale(height, outH, scaleFactor?.[0], mode, alignCorners);
  const scaleW = sourceScale(width, outW, scaleFactor?.[1], mode, alignCorners);
  const out = Tensor.empty([batch, channels, outH, outW]);
  const k = kernels();
  const geometry = [batch * channels, height, width, outH, outW, scaleH, scaleW];
  if (mode === 'nearest') k.interpolateNearestForward!(input.ptr, out.ptr, ...geometry);
  else k.interpolateBilinearForward!(input.ptr, out.ptr, ...geometry, alignCorners ? 1 : 0);
  return record<InterpolateAttributes>(out, {
    op: 'interpolate',
    inputs: [input],
    attributes: { mode, alignCorners, outputSize, scaleFactor },
    backward: (g) => {
      const gx = Tensor.empty(input.shape);
      if (mode === 'nearest') k.interpolateNearestBackward!(g.ptr, gx.ptr, ...geometry);
      else k.interpolateBilinearBackward!(g.ptr, gx.ptr, ...geometry, alignCorners ? 1 : 0);
      return [gx];
    },
  });
}

/** @internal The options checked, with sizes and scale factors as pairs: what does not depend on the input. */
export function resolveInterpolateOptions(op: string, value: unknown): { mode: InterpolateMode; alignCorners: boolean; size: [number, number] | null; scaleFactor: [number, number] | null } {
  const options = checkOptions<InterpolateOptions>(op, value) as InterpolateOptions;
  const mode = checkOneOf(op, 'mode', options.mode ?? 'nearest', ['nearest', 'bilinear'] as const);
  const alignCorners = checkBoolean(op, 'alignCorners', options.alignCorners);
  if (alignCorners !== undefined && mode === 'nearest') {
    throw new Error(`simdgrad: ${op}: alignCorners can only be set with mode 'bilinear', got mode 'nearest'; leave it out.`);
  }
  const { size, scaleFactor } = options;
  if ((size === undefined) === (scaleFactor === undefined)) {
    throw new Error(`simdgrad: ${op}: give exactly one of size and scaleFactor, got ${size === undefined ? 'neither' : 'both'}.`);
  }
  const pairOf = (x: number | readonly [number, number]): number[] | null => (typeof x === 'number' ? [x, x] : Array.isArray(x) && x.length === 2 ? [...x] : null);
  if (size !== undefined) {
    const pair = pairOf(size);
    if (!pair || !pair.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new Error(`simdgrad: ${op}: size must be a positive integer or a pair [h, w] of them, got ${describe(size)}.`);
    }
    return { mode, alignCorners: alignCorners ?? false, size: [pair[0]!, pair[1]!], scaleFactor: null };
  }
  const pair = pairOf(scaleFactor!);
  if (!pair || !pair.every((s) => typeof s === 'number' && Number.isFinite(s) && s > 0)) {
    throw new Error(`simdgrad: ${op}: scaleFactor must be a positive number or a pair [h, w] of them, got ${describe(scaleFactor)}.`);
  }
  return { mode, alignCorners: alignCorners ?? false, size: null, scaleFactor: [pair[0]!, pair[1]!] };
}

// Output to source coordinate factor, as PyTorch's area_pixel_compute_scale: with aligned
// corners (in - 1)/(out - 1); otherwise 1/scaleFactor when given, else in/out.
function sourceScale(inSize: number, outSize: number, scaleFactor: number | undefined, mode: InterpolateMode, alignCorners: boolean): number {
  if (mode === 'bilinear' && alignCorners) return outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  return scaleFactor !== undefined ? 1 / scaleFactor : inSize / outSize;
}
