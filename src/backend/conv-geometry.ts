import { backend, kernels } from './backend.js';

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

/** The fields the kernels read, in the order of assembly/conv-geometry.ts (one int32 each); the bottom/right padding is implicit there. */
const FIELDS = ['batch', 'channels', 'height', 'width', 'outChannels', 'kernelH', 'kernelW', 'strideH', 'strideW', 'padTop', 'padLeft', 'dilationH', 'dilationW', 'groups', 'outH', 'outW'] as const;

/** @internal The geometry as the kernels read it: the struct of assembly/conv-geometry.ts. */
export type KernelConvGeometry = Pick<ConvGeometry, (typeof FIELDS)[number]>;

/** @internal Writes `g` at `ptr` as assembly/conv-geometry.ts lays it out (convGeometryBytes long). */
export function writeConvGeometry(g: KernelConvGeometry, ptr: number): void {
  const memory = backend().allocator.i32();
  const at = ptr >>> 2;
  for (let i = 0; i < FIELDS.length; i++) memory[at + i] = g[FIELDS[i]!];
}

/** @internal The geometry written at `ptr` (for the thread pool's wrappers, which get its address). */
export function readConvGeometry(memory: Int32Array, ptr: number): KernelConvGeometry {
  const at = ptr >>> 2;
  return Object.fromEntries(FIELDS.map((field, i) => [field, memory[at + i]!])) as unknown as KernelConvGeometry;
}

/**
 * @internal Runs `run` with `g` written into linear memory (its address) and a scratch buffer of
 * the bytes `scratchBytes` (a kernel family's ...ScratchBytes export) gives for it (0: none);
 * frees both afterwards, also on throw.
 */
export function withConvGeometry(g: KernelConvGeometry, scratchBytes: (geometry: number) => number, run: (geometry: number, scratch: number) => void): void {
  const { allocator } = backend();
  const geometry = allocator.alloc(kernels().convGeometryBytes!(), 'a convolution geometry');
  let scratch = 0;
  try {
    writeConvGeometry(g, geometry);
    const bytes = scratchBytes(geometry);
    if (bytes !== 0) scratch = allocator.alloc(bytes, 'a convolution scratch');
    run(geometry, scratch);
  } finally {
    if (scratch !== 0) allocator.free(scratch);
    allocator.free(geometry);
  }
}
