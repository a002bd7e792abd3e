import { LinearAllocator } from './allocator.js';
import { checkInitOptions, describeOptions, sameOptions } from './init-options.js';
import type { KernelExports } from './kernel-exports.js';
import type { KernelBuild, LoadedModule, WasmSource } from './load-module.js';
import { reserveKernelScratch } from './scratch.js';
import { withParallelActivation } from './threads/parallel-activation.js';
import { withParallelConv } from './threads/parallel-conv.js';
import { withParallelGemm } from './threads/parallel-gemm.js';
import { withParallelLoss } from './threads/parallel-loss.js';
import { withParallelOptim } from './threads/parallel-optim.js';
import { withParallelPool } from './threads/parallel-pool.js';
import { reserveThreadMemory, ThreadPool } from './threads/pool.js';
import { planThreads } from './threads/thread-support.js';

export interface InitOptions {
  /**
   * The kernels. Default: the build inlined in the bundle, chosen by `build`. Edge workers that
   * cannot compile from bytes (Cloudflare Workers) need a precompiled `WebAssembly.Module`; in
   * Node a `file:` URL or a file path is read from disk.
   */
  wasm?: WasmSource;
  /** Which inlined build runs. Default 'auto': relaxed SIMD (fused multiply-add) where the runtime has it, else plain SIMD. */
  build?: KernelBuild;
  /** Ceiling for the wasm linear memory, in MiB, a whole number from the kernels' minimum to 4096. Default 2048. */
  maxMemoryMiB?: number;
  /**
   * How many threads run the kernels: a whole number from 1 to 64, or 'auto' for the machine's
   * cores (at most 8). Default 1. More than one loads the threads build on a shared memory and
   * starts that many - 1 workers (Node worker_threads, elsewhere Web Workers), once; they never keep
   * a Node process alive. Results are bit-identical for every thread count. Where shared memory
   * or workers are missing (a page that is not cross-origin isolated, Cloudflare Workers), one
   * thread runs and init() warns why; getNumThreads() says how many run. On a browser's main
   * thread, which may not block, the calling thread spins while the workers finish: train in a
   * Worker (serveTraining) to keep the page responsive.
   */
  threads?: number | 'auto';
}

/** Finds and compiles the kernels for init(): each entry ('simdgrad', 'simdgrad/slim') has its own; `threaded` asks for the threads build. */
export type ModuleLoader = (options: InitOptions, threaded: boolean) => Promise<LoadedModule>;

export interface Backend {
  readonly kernels: KernelExports;
  readonly allocator: LinearAllocator;
  /** The kernels running: the plain SIMD build, the relaxed-SIMD build, or one passed to init(). */
  readonly build: 'simd' | 'relaxed-simd' | 'custom';
  /** How many threads run the kernels (1: no workers). */
  readonly threads: number;
  /** The workers' pool (null on one thread). */
  readonly pool: ThreadPool | null;
}

const PAGE = 65536;
const MIB = 1048576;
const INITIAL_PAGES = 32;
const WASM32_PAGES = 65536;
let current: Backend | null = null;
let loading: Promise<Backend> | null = null;
let loadedWith: InitOptions | null = null;

/**
 * Instantiates the kernels `load` finds, once per program: a later call with the same options
 * (or none) returns at once, and one with other options throws, since tensors already live in
 * the first instance's memory.
 */
export async function startBackend(options: InitOptions, load: ModuleLoader): Promise<void> {
  checkInitOptions(options);
  if (loadedWith) {
    if (!sameOptions(loadedWith, options)) {
      throw new Error(
        `simdgrad: init(${describeOptions(options)}): the kernels are already loaded with init(${describeOptions(loadedWith)}), and they load once per program; ` +
          'call init() once, with the options you need, before anything else (a second call with the same options or none is fine).',
      );
    }
  } else {
    loadedWith = { ...options };
  }
  loading ??= instantiate(options, load).catch((error: unknown) => {
    loading = null;
    loadedWith = null;
    throw asInitError(error, options);
  });
  current = await loading;
}

export function isInitialized(): boolean {
  return current !== null;
}

export function backend(): Backend {
  if (current) return current;
  throw new Error(
    loading
      ? 'simdgrad: init() has not finished: await it (`await init()`) before creating tensors or models.'
      : 'simdgrad: not initialized: call `await init()` once before creating tensors or models.',
  );
}

/** The wasm exports; each kernel takes pointers and sizes. */
export function kernels(): KernelExports {
  return backend().kernels;
}

async function instantiate(options: InitOptions, load: ModuleLoader): Promise<Backend> {
  const maxMiB = options.maxMemoryMiB ?? 2048;
  const { threads, fallbackReason } = await planThreads(options.threads ?? 1);
  if (fallbackReason !== null) console.warn(`simdgrad: init({ threads: ${JSON.stringify(options.threads)} }): running on one thread: ${fallbackReason}.`);
  const shared = threads > 1;
  const { module, build } = await load(options, shared);
  const leastMiB = Math.ceil((await leastMemoryBytes(module, threads)) / MIB);
  if (maxMiB < leastMiB) {
    throw new Error(`simdgrad: init({ maxMemoryMiB: ${maxMiB} }): these kernels need at least ${leastMiB} MiB (their static data and GEMM packing scratch) before any tensor; pass maxMemoryMiB >= ${leastMiB}.`);
  }
  const maxPages = Math.floor((maxMiB * MIB) / PAGE);
  const { kernels, memory } = await instantiateWith(module, new WebAssembly.Memory({ initial: Math.min(INITIAL_PAGES, maxPages), maximum: maxPages, shared }));
  const allocator = new LinearAllocator(memory, kernels.heapBase(), maxPages * PAGE);
  reserveKernelScratch(kernels, allocator);
  if (!shared) return { kernels, allocator, build, threads: 1, pool: null };
  const pool = await ThreadPool.start(module, memory, kernels, allocator, threads);
  const parallel = withParallelConv(withParallelGemm(kernels, pool, allocator), pool, allocator);
  const elementwise = withParallelActivation(withParallelPool(withParallelOptim(parallel, pool, allocator), pool), pool);
  return { kernels: withParallelLoss(elementwise, pool, allocator), allocator, build, threads, pool };
}

// Measured on a throwaway instance: where the module's static data ends and how much scratch
// its kernels (and the workers' share of it) reserve, as the real instance will lay them out.
async function leastMemoryBytes(module: WebAssembly.Module, threads: number): Promise<number> {
  const { kernels, memory } = await instantiateWith(module, new WebAssembly.Memory(threads > 1 ? { initial: INITIAL_PAGES, maximum: WASM32_PAGES, shared: true } : { initial: INITIAL_PAGES }));
  const allocator = new LinearAllocator(memory, kernels.heapBase(), 4096 * MIB);
  const end = reserveKernelScratch(kernels, allocator);
  return threads > 1 ? reserveThreadMemory(kernels, allocator, threads - 1).end : end;
}

async function instantiateWith(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<{ kernels: KernelExports; memory: WebAssembly.Memory }> {
  const instance = await WebAssembly.instantiate(module, {
    env: { memory, abort: abortFromWasm, seed: () => Date.now() },
  });
  return { kernels: instance.exports as unknown as KernelExports, memory };
}

// Errors from the runtime (a module with other imports or exports, a memory the host refuses)
// get the library's prefix and a hint; the library's own already say what to do.
function asInitError(error: unknown, options: InitOptions): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith('simdgrad: ')) return error as Error;
  const builds = options.threads !== undefined && options.threads !== 1 ? 'simdgrad-threads.wasm or simdgrad-threads-relaxed.wasm (threads need a shared memory)' : 'simdgrad.wasm or simdgrad-relaxed.wasm';
  return new Error(`simdgrad: init(): the runtime could not set up the kernels (${message}); if you passed { wasm }, pass simdgrad's own ${builds}.`, { cause: error });
}

/** Which kernels init() loaded: 'simd', 'relaxed-simd' (fused multiply-add), or 'custom'. */
export function kernelBuild(): Backend['build'] {
  return backend().build;
}

/** How many threads run the kernels: what init({ threads }) asked for, or 1 where threads are unavailable (init() warned why). */
export function getNumThreads(): number {
  return backend().threads;
}

/** What the threads have done since init(): see threadActivity(). */
export interface ThreadActivity {
  /** How many threads run the kernels, as getNumThreads(). */
  threads: number;
  /** Kernel calls split over the threads. */
  parallelTasks: number;
  /** Wall time spent in them, from dispatch until every thread's share was done; the rest of a step's time ran on one thread. */
  parallelMilliseconds: number;
}

/**
 * Counts of the work split over threads since init(), to see how much of a training step runs in
 * parallel: take the difference of two readings around some steps (both 0 on one thread).
 */
export function threadActivity(): ThreadActivity {
  const { threads, pool } = backend();
  return { threads, parallelTasks: pool?.activity.tasks ?? 0, parallelMilliseconds: pool?.activity.milliseconds ?? 0 };
}

function abortFromWasm(): never {
  throw new Error('simdgrad: a kernel aborted (internal error). Please report it with the op and shapes that caused it.');
}
