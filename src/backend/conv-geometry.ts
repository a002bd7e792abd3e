import { backend, kernels } from './backend.js';
import { FIELDS, type KernelConvGeometry } from './conv-geometry-layout.js';

export type { ConvGeometry, KernelConvGeometry } from './conv-geometry-layout.js';

/**
 * @internal Writes `g` at `ptr` as assembly/conv-geometry.ts lays it out (convGeometryBytes long)
 * and has the kernels plan it (conv2dPlan: the path each pass takes, the scratch each needs):
 * once per call, then every kernel of the call reads it.
 */
export function writeConvGeometry(g: KernelConvGeometry, ptr: number): void {
  const memory = backend().allocator.i32();
  const at = ptr >>> 2;
  for (let i = 0; i < FIELDS.length; i++) memory[at + i] = g[FIELDS[i]!];
  kernels().conv2dPlan(ptr);
}

/** @internal The paths the kernels take for a geometry (assembly/conv-plan.ts), by name. */
export interface ConvPlan {
  /** An implicit GEMM, channels × positions ('implicit') or positions × channels ('transposed'); im2col + GEMM ('columns'); or the GEMM straight on the input ('pointwise'). */
  forward: 'columns' | 'pointwise' | 'implicit' | 'transposed';
  /** Whether the 'transposed' forward tiles each output row in place (stride 1, rows wide enough), rather than with tiles wrapping to the next row. */
  forwardRowTiles: boolean;
  /** A GEMM and col2im ('columns'), the GEMM straight into the gradient ('pointwise'), the forward's implicit GEMM on gradOut with the weights flipped ('adjoint'), or the GEMM adding its tiles where col2im would ('scatter'). */
  inputGradient: 'columns' | 'pointwise' | 'adjoint' | 'scatter';
  /** An implicit GEMM, channels × taps ('implicit') or taps × channels ('transposed'), or taps × channels read in place from the image ('in-place'). */
  weightGradient: 'implicit' | 'transposed' | 'in-place';
  /** Images per chunk of the weight gradient's sum over the batch (the batch: one chunk). */
  weightGradientImages: number;
}

// assembly/conv-plan.ts's constants, by value.
const FORWARD_PATHS = ['columns', 'pointwise', 'implicit', 'transposed'] as const;
const INPUT_GRADIENT_PATHS = ['columns', 'pointwise', 'adjoint', 'scatter'] as const;
const WEIGHT_GRADIENT_PATHS = ['implicit', 'transposed', 'in-place'] as const;

/** @internal The plan the kernels make for `g`: which path each pass takes. */
export function convPlan(g: KernelConvGeometry): ConvPlan {
  const k = kernels();
  return withConvGeometry(g, () => 0, (geometry) => ({
    forward: FORWARD_PATHS[k.conv2dForwardPath(geometry)]!,
    forwardRowTiles: k.conv2dForwardRowTiles(geometry) !== 0,
    inputGradient: INPUT_GRADIENT_PATHS[k.conv2dBackwardInputPath(geometry)]!,
    weightGradient: WEIGHT_GRADIENT_PATHS[k.conv2dBackwardWeightPath(geometry)]!,
    weightGradientImages: k.conv2dBackwardWeightImages(geometry),
  }));
}

/**
 * @internal Runs `run` with `g` written into linear memory (its address) and a scratch buffer of
 * the bytes `scratchBytes` (a kernel family's ...ScratchBytes export) gives for it (0: none);
 * frees both afterwards, also on throw.
 */
export function withConvGeometry<T>(g: KernelConvGeometry, scratchBytes: (geometry: number) => number, run: (geometry: number, scratch: number) => T): T {
  const { allocator } = backend();
  const geometry = allocator.alloc(kernels().convGeometryBytes(), 'a convolution geometry');
  let scratch = 0;
  try {
    writeConvGeometry(g, geometry);
    const bytes = scratchBytes(geometry);
    if (bytes !== 0) scratch = allocator.alloc(bytes, 'a convolution scratch');
    return run(geometry, scratch);
  } finally {
    if (scratch !== 0) allocator.free(scratch);
    allocator.free(geometry);
  }
}
