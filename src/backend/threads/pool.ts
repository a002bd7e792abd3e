import type { LinearAllocator } from '../allocator.js';
import type { ThreadsKernelExports } from '../kernel-exports.js';
import { spawnWorker } from './spawn-worker.js';
import { ACTIVATION_KERNELS } from './parallel-activation.js';
import { LOSS_KERNELS } from './parallel-loss.js';
import { OPTIMIZER_KERNELS, TENSOR_LIST_KERNELS } from './parallel-optim.js';
import { POOL_KERNELS } from './parallel-pool.js';
import { MAX_TASK_ARGS, TASK_ARGS_OFFSET, TASK_BLOCK_BYTES, TASK_WORD_COUNT, TASK_WORDS as W } from './task-block.js';

/** Kernels a task may run: each takes its own arguments followed by a chunk's [begin, end). */
export const PARALLEL_KERNELS = [
  'gemmPart', 'conv2dForwardPart', 'conv2dBackwardInputPart', 'conv2dBackwardWeightPart', 'conv2dBackwardWeightSum', 'conv2dBackwardBiasPart',
  ...OPTIMIZER_KERNELS, ...TENSOR_LIST_KERNELS, ...POOL_KERNELS, ...ACTIVATION_KERNELS, ...LOSS_KERNELS,
] as const satisfies readonly (keyof ThreadsKernelExports)[];
export type ParallelKernel = (typeof PARALLEL_KERNELS)[number];
// How a task calls its kernel: with the arguments in the task block, then the chunk's [begin, end).
type TaskKernel = (...args: number[]) => unknown;
// How many times a thread looks for news before sleeping on a futex word (about 50 µs here):
// waking a sleeping thread costs 20-40 µs (measured), about what a spin this long costs.
const SPINS = 20_000;
// Tasks are cut into several chunks per thread: a thread that another process holds off its core
// then delays only its current chunk, as the others take the rest.
const CHUNKS_PER_THREAD = 4;
const ELEMENT_ALIGN = 16;

/**
 * Worker threads running the kernels on the shared memory. Started once by init() and reused:
 * a task is dispatched by writing its descriptor into the task block and waking the workers with
 * Atomics.notify (no message per op); the calling thread claims chunks too, then waits for the
 * workers. Which thread runs which chunk varies, so every parallel kernel must compute each chunk
 * the same way whoever runs it, and chunks must not depend on the thread count: then results are
 * bit-identical for any number of threads.
 */
export class ThreadPool {
  private readonly words: Int32Array;
  private readonly args: Float64Array;
  private readonly table: TaskKernel[];
  private readonly canBlock: boolean;

  /** How many chunks a task that splits well should be cut into. */
  readonly chunks: number;

  /** Tasks run since the pool started, and the wall time spent in them (from dispatch to the last chunk done). */
  readonly activity = { tasks: 0, milliseconds: 0 };

  private constructor(memory: WebAssembly.Memory, taskBlock: number, kernels: Pick<ThreadsKernelExports, ParallelKernel>, readonly threads: number) {
    this.chunks = threads * CHUNKS_PER_THREAD;
    this.words = new Int32Array(memory.buffer, taskBlock, TASK_WORD_COUNT);
    this.args = new Float64Array(memory.buffer, taskBlock + TASK_ARGS_OFFSET, MAX_TASK_ARGS);
    this.table = PARALLEL_KERNELS.map((name): TaskKernel => kernels[name]);
    this.canBlock = mayBlock(this.words);
  }

  /** Starts threads - 1 workers on the module and shared memory, each with scratch of its own; resolves when all are ready. */
  static async start(module: WebAssembly.Module, memory: WebAssembly.Memory, kernels: ThreadsKernelExports, allocator: LinearAllocator, threads: number): Promise<ThreadPool> {
    const { taskBlock, gemmScratch } = reserveThreadMemory(kernels, allocator, threads - 1);
    new Int32Array(memory.buffer, taskBlock, TASK_WORD_COUNT).fill(0);
    const workers = await Promise.all(
      gemmScratch.map((scratch) =>
        spawnWorker({
          module,
          memory,
          gemmScratch: scratch,
          taskBlock,
          words: { ...W },
          wordCount: TASK_WORD_COUNT,
          argsOffset: TASK_ARGS_OFFSET,
          maxArgs: MAX_TASK_ARGS,
          kernelNames: [...PARALLEL_KERNELS],
          spins: SPINS,
        }),
      ),
    );
    await Promise.all(workers.map((worker) => worker.ready));
    return new ThreadPool(memory, taskBlock, kernels, threads);
  }

  /**
   * Runs `kernel(...args, begin, end)` over [0, total) elements that are each computed on their
   * own (no sums across elements), in several chunks per thread whose starts are multiples of
   * 16 (whole vectors, and whole cache lines where the data starts on one).
   */
  runByElements(kernel: ParallelKernel, args: readonly number[], total: number): void {
    this.run(kernel, args, total, Math.ceil(total / this.chunks / ELEMENT_ALIGN) * ELEMENT_ALIGN);
  }

  /**
   * Runs `kernel(...args, begin, end)` for every chunk [begin, end) of [0, total), `chunk` long
   * (the last one shorter), spread over all threads; returns when every chunk is done.
   */
  run(kernel: ParallelKernel, args: readonly number[], total: number, chunk: number): void {
    const { words } = this;
    const started = performance.now();
    const chunks = Math.ceil(total / chunk);
    words[W.kernel] = PARALLEL_KERNELS.indexOf(kernel);
    words[W.argCount] = args.length;
    words[W.total] = total;
    words[W.chunk] = chunk;
    words[W.failed] = 0;
    this.args.set(args);
    Atomics.store(words, W.done, 0);
    Atomics.store(words, W.remaining, chunks);
    Atomics.add(words, W.generation, 1);
    Atomics.notify(words, W.generation);
    const call = this.table[words[W.kernel]!]!;
    let error: unknown = null;
    for (let r = Atomics.sub(words, W.remaining, 1); r > 0; r = Atomics.sub(words, W.remaining, 1)) {
      const begin = (r - 1) * chunk;
      try {
        call(...args, begin, Math.min(begin + chunk, total));
      } catch (thrown) {
        error ??= thrown;
      }
      Atomics.add(words, W.done, 1);
    }
    this.waitForChunks(chunks);
    this.activity.tasks++;
    this.activity.milliseconds += performance.now() - started;
    if (error !== null) throw error;
    if (words[W.failed] !== 0) throw new Error(`simdgrad: a kernel (${kernel}) failed on a worker thread (internal error). Please report it with the op and shapes that caused it.`);
  }

  // A browser's main thread may not Atomics.wait: there the caller spins, as it would have
  // been busy with its own share of the work anyway.
  private waitForChunks(chunks: number): void {
    const { words } = this;
    for (let spin = 0; spin < SPINS && Atomics.load(words, W.done) !== chunks; spin++);
    for (let done = Atomics.load(words, W.done); done !== chunks; done = Atomics.load(words, W.done)) {
      if (this.canBlock) Atomics.wait(words, W.done, done);
    }
  }
}

/**
 * Reserves, with the host's allocator (the one allocator for all threads), the task block and
 * each worker's GEMM packing scratch. Returns them and where the reservation ends.
 */
export function reserveThreadMemory(kernels: Pick<ThreadsKernelExports, 'gemmScratchBytes'>, allocator: LinearAllocator, workers: number): { taskBlock: number; gemmScratch: number[]; end: number } {
  const taskBlock = allocator.alloc(TASK_BLOCK_BYTES, 'the thread pool task block');
  const bytes = kernels.gemmScratchBytes();
  const gemmScratch = Array.from({ length: workers }, () => allocator.alloc(bytes, 'GEMM packing scratch of a worker thread'));
  return { taskBlock, gemmScratch, end: Math.max(taskBlock + TASK_BLOCK_BYTES, ...gemmScratch.map((ptr) => ptr + bytes)) };
}

// Atomics.wait throws on a browser's main thread; elsewhere (Node, Deno, Bun, workers) it may block.
function mayBlock(words: Int32Array): boolean {
  try {
    Atomics.wait(words, W.failed, -1, 0);
    return true;
  } catch {
    return false;
  }
}
