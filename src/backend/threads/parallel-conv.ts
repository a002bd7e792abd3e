import type { LinearAllocator } from '../allocator.js';
import type { Kernel } from '../backend.js';
import { convColumnFloats } from '../conv-columns.js';
import { MIN_PARALLEL_MACS } from './parallel-gemm.js';
import type { ThreadPool } from './pool.js';

const ALIGN = 64;

/**
 * The kernels with conv2dForward spread over the pool's threads by image: the batch is cut into
 * several chunks per thread, each with a column buffer of its own, and every image is convolved
 * exactly as in the whole batch (conv2dForwardPart), so outputs are bit-identical for any
 * thread count. Small convolutions and single images stay on the calling thread.
 */
export function withParallelConv(kernels: Record<string, Kernel>, pool: ThreadPool, allocator: LinearAllocator): Record<string, Kernel> {
  const { conv2dForward } = kernels;
  return {
    ...kernels,
    conv2dForward: (...args) => {
      const [input, weight, bias, out, col, batch, channels, height, width, outChannels, kh, kw, sh, sw, ph, pw, dh, dw, groups, outH, outW, relu] = args as number[] as [
        number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number,
      ];
      const macs = batch * outChannels * outH * outW * (channels / groups) * kh * kw;
      if (batch < 2 || macs < MIN_PARALLEL_MACS) return conv2dForward!(...args);
      const chunk = Math.ceil(batch / pool.chunks);
      const chunks = Math.ceil(batch / chunk);
      // The caller's buffer holds one image's columns; each chunk needs its own.
      const colBytes = col === 0 ? 0 : Math.ceil((convColumnFloats(channels / groups, kh, kw, outH, outW, sh, sw, ph, pw, dh, dw) * 4) / ALIGN) * ALIGN;
      const columns = colBytes === 0 ? 0 : allocator.alloc(colBytes * chunks, 'the conv2d column buffers of the threads');
      try {
        pool.run('conv2dForwardPart', [input, weight, bias, out, columns, colBytes, chunk, channels, height, width, outChannels, kh, kw, sh, sw, ph, pw, dh, dw, groups, outH, outW, relu], batch, chunk);
      } finally {
        if (columns !== 0) allocator.free(columns);
      }
      return 0;
    },
  };
}
