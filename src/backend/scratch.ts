import type { LinearAllocator } from './allocator.js';
import type { KernelExports } from './kernel-exports.js';

/**
 * Reserves the scratch memory kernels pack their operands into, once per instance: kernels never
 * allocate, and each instance (one per thread, later) needs scratch of its own. Returns the end of
 * the reserved scratch: the least memory an instance can run in.
 */
export function reserveKernelScratch(kernels: KernelExports, allocator: LinearAllocator): number {
  const gemmBytes = kernels.gemmScratchBytes();
  const gemmScratch = allocator.alloc(gemmBytes, 'GEMM packing scratch');
  kernels.setGemmScratch(gemmScratch);
  return gemmScratch + gemmBytes;
}
