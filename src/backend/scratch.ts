import type { LinearAllocator } from './allocator.js';
import type { Kernel } from './backend.js';

/**
 * Reserves the scratch memory kernels pack their operands into, once per instance: kernels never
 * allocate, and each instance (one per thread, later) needs scratch of its own.
 */
export function reserveKernelScratch(kernels: Record<string, Kernel>, allocator: LinearAllocator): void {
  const gemmBytes = kernels.gemmScratchBytes!();
  kernels.setGemmScratch!(allocator.alloc(gemmBytes, 'GEMM packing scratch'));
}
