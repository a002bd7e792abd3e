import type { LinearAllocator } from '../allocator.js';
import { readConvGeometry, type KernelConvGeometry } from '../conv-geometry-layout.js';
import type { ThreadsKernelExports } from '../kernel-exports.js';
import { MIN_PARALLEL_MACS } from './parallel-gemm.js';
import type { ParallelKernel, ThreadPool } from './pool.js';

// Below this many floats of gradOut (about 60 µs of adds on one thread: waking the workers costs
// 20-40 µs), the bias gradient stays on the calling thread: W3's conv1 (400k) splits, conv2
// (100k) does not.
const MIN_PARALLEL_BIAS_FLOATS = 1 << 18;
// Below this many additions, the partial weight gradients are summed on the calling thread.
const MIN_PARALLEL_SUM_FLOATS = 1 << 16;

/**
 * The kernels with the convolution spread over the pool's threads; each gets the address of its
 * geometry (assembly/conv-geometry.ts), which the workers read too. conv2dForward and
 * conv2dBackwardInput go by image: the batch is cut into several chunks per thread, each with a
 * scratch of its own, and every image is computed exactly as in the whole batch
 * (conv2dForwardPart, conv2dBackwardInputPart). conv2dBackwardWeight sums over the batch in the
 * chunks of images the kernel fixes from the geometry (conv2dBackwardWeightImages), one partial
 * gradient per chunk (conv2dBackwardWeightPart), then adds the partials in chunk order, split by
 * element (conv2dBackwardWeightSum): the additions one thread makes, in its order.
 * conv2dBackwardBias goes by output channel. So results are bit-identical for any thread count.
 * Small convolutions and single images stay on the calling thread.
 */
export function withParallelConv(kernels: ThreadsKernelExports, pool: ThreadPool, allocator: LinearAllocator): ThreadsKernelExports {
  const { conv2dForward, conv2dForwardScratchBytes, conv2dBackwardInput, conv2dBackwardInputScratchBytes } = kernels;
  const { conv2dBackwardWeight, conv2dBackwardWeightImages, conv2dBackwardWeightScratchBytes, conv2dBackwardWeightSum, conv2dBackwardBias } = kernels;
  const geometryAt = (ptr: number): KernelConvGeometry => readConvGeometry(allocator.i32(), ptr);
  return {
    ...kernels,
    conv2dForward: (input, weight, bias, out, scratch, geometry, relu) => {
      const split = byImage(pool, allocator, geometryAt(geometry), conv2dForwardScratchBytes(geometry), 'conv2dForwardPart', (buffers, bytes, chunk) => [input, weight, bias, out, buffers, bytes, chunk, geometry, relu]);
      if (!split) conv2dForward(input, weight, bias, out, scratch, geometry, relu);
    },
    conv2dBackwardInput: (gradOut, weight, gradInput, scratch, geometry) => {
      const split = byImage(pool, allocator, geometryAt(geometry), conv2dBackwardInputScratchBytes(geometry), 'conv2dBackwardInputPart', (buffers, bytes, chunk) => [gradOut, weight, gradInput, buffers, bytes, chunk, geometry]);
      if (!split) conv2dBackwardInput(gradOut, weight, gradInput, scratch, geometry);
    },
    conv2dBackwardWeight: (input, gradOut, gradWeight, scratch, geometry) => {
      const { batch, channels, outChannels, kernelH, kernelW, groups } = geometryAt(geometry);
      const images = conv2dBackwardWeightImages(geometry);
      if (images >= batch) {
        conv2dBackwardWeight(input, gradOut, gradWeight, scratch, geometry);
        return;
      }
      const chunks = Math.ceil(batch / images);
      const scratchBytes = conv2dBackwardWeightScratchBytes(geometry);
      const buffers = allocator.alloc(scratchBytes * chunks, 'the conv2d weight gradient partials of the threads');
      try {
        pool.run('conv2dBackwardWeightPart', [input, gradOut, gradWeight, buffers, geometry], batch, images);
        const floats = outChannels * (channels / groups) * kernelH * kernelW;
        const sumArgs = [gradWeight, buffers + scratchBytes, scratchBytes, chunks - 1] as const;
        if (floats * (chunks - 1) < MIN_PARALLEL_SUM_FLOATS) conv2dBackwardWeightSum(...sumArgs, 0, floats);
        else pool.run('conv2dBackwardWeightSum', sumArgs, floats, Math.ceil(floats / pool.chunks / 4) * 4);
      } finally {
        allocator.free(buffers);
      }
    },
    conv2dBackwardBias: (gradOut, gradBias, batch, outChannels, area) => {
      if (outChannels < 2 || batch * outChannels * area < MIN_PARALLEL_BIAS_FLOATS) conv2dBackwardBias(gradOut, gradBias, batch, outChannels, area);
      else pool.run('conv2dBackwardBiasPart', [gradOut, gradBias, batch, outChannels, area], outChannels, Math.ceil(outChannels / pool.chunks));
    },
  };
}

// Runs `kernel` over the batch in chunks of images, each with its own scratch of `scratchBytes`
// (the kernel family's size for one chunk); false, having run nothing, when the convolution is too
// small to split.
function byImage(
  pool: ThreadPool, allocator: LinearAllocator, g: KernelConvGeometry, scratchBytes: number, kernel: ParallelKernel,
  argsFor: (buffers: number, scratchBytes: number, chunk: number) => number[],
): boolean {
  const macs = g.batch * g.outChannels * g.outH * g.outW * (g.channels / g.groups) * g.kernelH * g.kernelW;
  if (g.batch < 2 || macs < MIN_PARALLEL_MACS) return false;
  const chunk = Math.ceil(g.batch / pool.chunks);
  const chunks = Math.ceil(g.batch / chunk);
  const buffers = scratchBytes === 0 ? 0 : allocator.alloc(scratchBytes * chunks, 'the conv2d scratch of the threads');
  try {
    pool.run(kernel, argsFor(buffers, scratchBytes, chunk), g.batch, chunk);
  } finally {
    if (buffers !== 0) allocator.free(buffers);
  }
  return true;
}
