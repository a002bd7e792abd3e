import type { LinearAllocator } from '../allocator.js';
import type { Kernel } from '../backend.js';
import { convColumnFloats } from '../conv-columns.js';
import { MIN_PARALLEL_MACS } from './parallel-gemm.js';
import type { ParallelKernel, ThreadPool } from './pool.js';

const ALIGN = 64;

// The geometry every convolution kernel takes after its pointers, as ops/conv.ts passes it.
type Geometry = [
  batch: number, channels: number, height: number, width: number, outChannels: number, kh: number, kw: number,
  sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, groups: number, outH: number, outW: number,
];

// Below this many floats of gradOut, the bias gradient stays on the calling thread.
const MIN_PARALLEL_BIAS_FLOATS = 1 << 16;
// Below this many additions, the partial weight gradients are summed on the calling thread.
const MIN_PARALLEL_SUM_FLOATS = 1 << 16;

/**
 * The kernels with the convolution spread over the pool's threads. conv2dForward and
 * conv2dBackwardInput go by image: the batch is cut into several chunks per thread, each with a
 * column buffer of its own, and every image is computed exactly as in the whole batch
 * (conv2dForwardPart, conv2dBackwardInputPart). conv2dBackwardWeight sums over the batch in the
 * chunks of images the kernel fixes from the geometry (conv2dBackwardWeightImages), one partial
 * gradient per chunk (conv2dBackwardWeightPart), then adds the partials in chunk order, split by
 * element (conv2dBackwardWeightSum): the additions one thread makes, in its order.
 * conv2dBackwardBias goes by output channel. So results are bit-identical for any thread count.
 * Small convolutions and single images stay on the calling thread.
 */
export function withParallelConv(kernels: Record<string, Kernel>, pool: ThreadPool, allocator: LinearAllocator): Record<string, Kernel> {
  const { conv2dForward, conv2dBackwardInput, conv2dBackwardWeight, conv2dBackwardWeightImages, conv2dBackwardWeightScratchBytes, conv2dBackwardWeightSum, conv2dBackwardBias } = kernels;
  return {
    ...kernels,
    conv2dBackwardWeight: (input, gradOut, gradWeight, scratch, ...rest) => {
      const geometry = rest as Geometry;
      const [batch, channels, , , outChannels, kh, kw, , , , , , , groups] = geometry;
      const images = conv2dBackwardWeightImages!(...geometry);
      if (images >= batch) return conv2dBackwardWeight!(input!, gradOut!, gradWeight!, scratch!, ...rest);
      const chunks = Math.ceil(batch / images);
      const scratchBytes = conv2dBackwardWeightScratchBytes!(...geometry);
      const buffers = allocator.alloc(scratchBytes * chunks, 'the conv2d weight gradient partials of the threads');
      try {
        pool.run('conv2dBackwardWeightPart', [input!, gradOut!, gradWeight!, buffers, scratchBytes, images, ...geometry.slice(1)], batch, images);
        const floats = outChannels * (channels / groups) * kh * kw;
        const sumArgs = [gradWeight!, buffers + scratchBytes, scratchBytes, chunks - 1];
        if (floats * (chunks - 1) < MIN_PARALLEL_SUM_FLOATS) conv2dBackwardWeightSum!(...sumArgs, 0, floats);
        else pool.run('conv2dBackwardWeightSum', sumArgs, floats, Math.ceil(floats / pool.chunks / 4) * 4);
      } finally {
        allocator.free(buffers);
      }
      return 0;
    },
    conv2dBackwardBias: (gradOut, gradBias, batch, outChannels, area) => {
      if (outChannels! < 2 || batch! * outChannels! * area! < MIN_PARALLEL_BIAS_FLOATS) return conv2dBackwardBias!(gradOut!, gradBias!, batch!, outChannels!, area!);
      pool.run('conv2dBackwardBiasPart', [gradOut!, gradBias!, batch!, outChannels!, area!], outChannels!, Math.ceil(outChannels! / pool.chunks));
      return 0;
    },
    conv2dForward: (input, weight, bias, out, col, ...rest) => {
      const geometry = rest.slice(0, 16) as Geometry;
      const relu = rest[16]!;
      const split = byImage(pool, geometry, col!, allocator, 'conv2dForwardPart', (columns, colBytes, chunk) => [input!, weight!, bias!, out!, columns, colBytes, chunk, ...geometry.slice(1), relu]);
      return split ? 0 : conv2dForward!(input!, weight!, bias!, out!, col!, ...rest);
    },
    conv2dBackwardInput: (gradOut, weight, gradInput, col, ...rest) => {
      const geometry = rest as Geometry;
      const split = byImage(pool, geometry, col!, allocator, 'conv2dBackwardInputPart', (columns, colBytes, chunk) => [gradOut!, weight!, gradInput!, columns, colBytes, chunk, ...geometry.slice(1)]);
      return split ? 0 : conv2dBackwardInput!(gradOut!, weight!, gradInput!, col!, ...rest);
    },
  };
}

// Runs `kernel` over the batch in chunks of images, each with its own column buffer (the caller's
// `col` holds one image's); false, having run nothing, when the convolution is too small to split.
function byImage(
  pool: ThreadPool, geometry: Geometry, col: number, allocator: LinearAllocator, kernel: ParallelKernel,
  argsFor: (columns: number, colBytes: number, chunk: number) => number[],
): boolean {
  const [batch, channels, , , outChannels, kh, kw, sh, sw, ph, pw, dh, dw, groups, outH, outW] = geometry;
  const macs = batch * outChannels * outH * outW * (channels / groups) * kh * kw;
  if (batch < 2 || macs < MIN_PARALLEL_MACS) return false;
  const chunk = Math.ceil(batch / pool.chunks);
  const chunks = Math.ceil(batch / chunk);
  const colBytes = col === 0 ? 0 : Math.ceil((convColumnFloats(channels / groups, kh, kw, outH, outW, sh, sw, ph, pw, dh, dw) * 4) / ALIGN) * ALIGN;
  const columns = colBytes === 0 ? 0 : allocator.alloc(colBytes * chunks, 'the conv2d column buffers of the threads');
  try {
    pool.run(kernel, argsFor(columns, colBytes, chunk), batch, chunk);
  } finally {
    if (columns !== 0) allocator.free(columns);
  }
  return true;
}
