// The convolution geometry struct of assembly/conv-geometry.ts as the host sees it: its fields
// and how to read it back. Apart from backend.ts, so that the thread pool's wrappers (which
// backend.ts loads) can read it without importing backend.ts.

/** @internal A convolution's sizes as the kernels take them; 1-D convolutions have height 1. */
export interface ConvGeometry {
  batch: number;
  channels: number;
  height: number;
  width: number;
  outChannels: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  padBottom: number;
  padRight: number;
  dilationH: number;
  dilationW: number;
  groups: number;
  outH: number;
  outW: number;
}

/** The fields the host writes, in the order of assembly/conv-geometry.ts (one int32 each); the bottom/right padding is implicit there. */
export const FIELDS = ['batch', 'channels', 'height', 'width', 'outChannels', 'kernelH', 'kernelW', 'strideH', 'strideW', 'padTop', 'padLeft', 'dilationH', 'dilationW', 'groups', 'outH', 'outW'] as const;

/** @internal The geometry as the kernels read it: the struct of assembly/conv-geometry.ts. */
export type KernelConvGeometry = Pick<ConvGeometry, (typeof FIELDS)[number]>;

/** @internal The geometry written at `ptr` (for the thread pool's wrappers, which get its address). */
export function readConvGeometry(memory: Int32Array, ptr: number): KernelConvGeometry {
  const at = ptr >>> 2;
  return Object.fromEntries(FIELDS.map((field, i) => [field, memory[at + i]!])) as unknown as KernelConvGeometry;
}
