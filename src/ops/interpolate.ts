import { backend, kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { formatShape } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { checkBoolean, checkOneOf, checkOptions, checkTensor, describe } from '../check-args.js';

export type InterpolateMode = 'nearest' | 'nearest-exact' | 'bilinear';

export interface InterpolateOptions {
  /** The output size [outH, outW], or one number for both; give this or scaleFactor (no default). */
  size?: number | readonly [number, number];
  /** Multiplier of the input size, output floor(H·scale); one number or [h, w]; give this or size (no default). */
  scaleFactor?: number | readonly [number, number];
  /** 'nearest' (default; PyTorch's legacy nearest, reading floor(dst·in/out)), 'nearest-exact' (reading floor((dst + 0.5)·in/out)) or 'bilinear'. */
  mode?: InterpolateMode;
  /** Bilinear only: align the corner pixels' centres instead of the edges (default false). */
  alignCorners?: boolean;
  /** With scaleFactor: read the source at dst·in/out of the rounded output size instead of dst/scaleFactor (default false). */
  recomputeScaleFactor?: boolean;
}

/** What an exporter needs: the mode, and the scales or sizes the output was computed from. */
export interface InterpolateAttributes {
  mode: InterpolateMode;
  alignCorners: boolean;
  outputSize: [number, number];
  scaleFactor: [number, number] | null;
}

/**
 * Resizes [N, C, H, W] images, as torch.nn.functional.interpolate in 'nearest', 'nearest-exact'
 * and 'bilinear' modes: to `size`, or to floor(H·scaleFactor) x floor(W·scaleFactor) reading the
 * source at dst/scaleFactor (unless recomputeScaleFactor, as PyTorch).
 */
export function interpolate(input: Tensor, options: InterpolateOptions): Tensor {
  checkTensor('interpolate', 'input', input);
  const { mode, alignCorners, size, scaleFactor, recomputeScaleFactor } = resolveInterpolateOptions('interpolate', options);
  if (input.ndim !== 4) throw new Error(`simdgrad: interpolate: expected a 4-D input [N, C, H, W], got ${formatShape(input.shape)}.`);
  const [batch, channels, height, width] = input.shape as [number, number, number, number];
  const outputSize: [number, number] = size ?? [Math.floor(height * scaleFactor![0]), Math.floor(width * scaleFactor![1])];
  if (outputSize[0] < 1 || outputSize[1] < 1) {
    throw new Error(`simdgrad: interpolate: scaleFactor ${describe(options.scaleFactor)} shrinks ${height}x${width} to ${outputSize.join('x')}; the output needs at least one pixel.`);
  }
  const [outH, outW] = outputSize;
  // The scale factor the source coordinates follow: none when recomputed from the output size.
  const readScale = recomputeScaleFactor ? null : scaleFactor;
  const scaleH = sourceScale(height, outH, readScale?.[0], mode, alignCorners);
  const scaleW = sourceScale(width, outW, readScale?.[1], mode, alignCorners);
  const out = Tensor.empty([batch, channels, outH, outW]);
  const k = kernels();
  const geometry = [batch * channels, height, width, outH, outW, scaleH, scaleW] as const;
  const bilinear = mode === 'bilinear';
  // Nearest reads floor((dst + offset)·scale): legacy at 0, exact at the pixel centres.
  const nearestOffset = mode === 'nearest-exact' ? 0.5 : 0;
  if (bilinear) {
    try {
      withRowScratch(outW, (scratch) => k.interpolateBilinearForward(input.ptr, out.ptr, scratch, ...geometry, alignCorners ? 1 : 0));
    } catch (error) {
      out.dispose();
      throw error;
    }
  } else {
    k.interpolateNearestForward(input.ptr, out.ptr, ...geometry, nearestOffset);
  }
  return record<InterpolateAttributes>(out, {
    op: 'interpolate',
    inputs: [input],
    attributes: { mode, alignCorners, outputSize, scaleFactor: readScale },
    backward: (g) => {
      const gx = Tensor.empty(input.shape);
      if (bilinear) k.interpolateBilinearBackward(g.ptr, gx.ptr, ...geometry, alignCorners ? 1 : 0);
      else k.interpolateNearestBackward(g.ptr, gx.ptr, ...geometry, nearestOffset);
      return [gx];
    },
  });
}

// Bilinear's forward keeps two source rows resized along W: 2 x outW floats of scratch.
function withRowScratch(outW: number, run: (scratch: number) => void): void {
  const allocator = backend().allocator;
  const scratch = allocator.alloc(2 * outW * 4, 'the interpolate row buffer');
  try {
    run(scratch);
  } finally {
    allocator.free(scratch);
  }
}

/** @internal The options checked, with sizes and scale factors as pairs: what does not depend on the input. */
export function resolveInterpolateOptions(op: string, value: unknown): {
  mode: InterpolateMode; alignCorners: boolean; size: [number, number] | null; scaleFactor: [number, number] | null; recomputeScaleFactor: boolean;
} {
  const options = checkOptions<InterpolateOptions>(op, value) as InterpolateOptions;
  const mode = checkOneOf(op, 'mode', options.mode ?? 'nearest', ['nearest', 'nearest-exact', 'bilinear'] as const);
  const alignCorners = checkBoolean(op, 'alignCorners', options.alignCorners);
  if (alignCorners !== undefined && mode !== 'bilinear') {
    throw new Error(`simdgrad: ${op}: alignCorners can only be set with mode 'bilinear', got mode '${mode}'; leave it out.`);
  }
  const recomputeScaleFactor = checkBoolean(op, 'recomputeScaleFactor', options.recomputeScaleFactor) ?? false;
  const { size, scaleFactor } = options;
  if ((size === undefined) === (scaleFactor === undefined)) {
    throw new Error(`simdgrad: ${op}: give exactly one of size and scaleFactor, got ${size === undefined ? 'neither' : 'both'}.`);
  }
  if (recomputeScaleFactor && size !== undefined) {
    throw new Error(`simdgrad: ${op}: recomputeScaleFactor needs scaleFactor; with an explicit size the source is always read at dst·in/out.`);
  }
  const pairOf = (x: number | readonly [number, number]): number[] | null => (typeof x === 'number' ? [x, x] : Array.isArray(x) && x.length === 2 ? [...x] : null);
  if (size !== undefined) {
    const pair = pairOf(size);
    if (!pair || !pair.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new Error(`simdgrad: ${op}: size must be a positive integer or a pair [h, w] of them, got ${describe(size)}.`);
    }
    return { mode, alignCorners: alignCorners ?? false, size: [pair[0]!, pair[1]!], scaleFactor: null, recomputeScaleFactor };
  }
  const pair = pairOf(scaleFactor!);
  if (!pair || !pair.every((s) => typeof s === 'number' && Number.isFinite(s) && s > 0)) {
    throw new Error(`simdgrad: ${op}: scaleFactor must be a positive number or a pair [h, w] of them, got ${describe(scaleFactor)}.`);
  }
  return { mode, alignCorners: alignCorners ?? false, size: null, scaleFactor: [pair[0]!, pair[1]!], recomputeScaleFactor };
}

// Output to source coordinate factor, as PyTorch's area_pixel_compute_scale: with aligned
// corners (in - 1)/(out - 1); otherwise 1/scaleFactor when given, else in/out.
function sourceScale(inSize: number, outSize: number, scaleFactor: number | undefined, mode: InterpolateMode, alignCorners: boolean): number {
  if (mode === 'bilinear' && alignCorners) return outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  return scaleFactor !== undefined ? 1 / scaleFactor : inSize / outSize;
}
