import { LinearAllocator } from './allocator.js';
import type { KernelBuild, LoadedModule, WasmSource } from './load-module.js';
import { reserveKernelScratch } from './scratch.js';

export type Kernel = (...args: number[]) => number;

export interface InitOptions {
  /**
   * The kernels. Default: the build inlined in the bundle, chosen by `build`. Edge workers that
   * cannot compile from bytes (Cloudflare Workers) need a precompiled `WebAssembly.Module`.
   */
  wasm?: WasmSource;
  /** Which inlined build runs. Default 'auto': relaxed SIMD (fused multiply-add) where the runtime has it, else plain SIMD. */
  build?: KernelBuild;
  /** Ceiling for the wasm linear memory, in MiB, from 1 to 4096. Default 2048. */
  maxMemoryMiB?: number;
}

/** Finds and compiles the kernels for init(): each entry ('simdgrad', 'simdgrad/slim') has its own. */
export type ModuleLoader = (options: InitOptions) => Promise<LoadedModule>;

export interface Backend {
  readonly kernels: Record<string, Kernel>;
  readonly allocator: LinearAllocator;
  /** The kernels running: the plain SIMD build, the relaxed-SIMD build, or one passed to init(). */
  readonly build: 'simd' | 'relaxed-simd' | 'custom';
}

const PAGE = 65536;
let current: Backend | null = null;
let loading: Promise<Backend> | null = null;

/** Instantiates the kernels `load` finds, once; later calls return at once. */
export async function startBackend(options: InitOptions, load: ModuleLoader): Promise<void> {
  if (current) return;
  loading ??= instantiate(options, load).catch((error: unknown) => {
    loading = null;
    throw error;
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
export function kernels(): Record<string, Kernel> {
  return backend().kernels;
}

async function instantiate(options: InitOptions, load: ModuleLoader): Promise<Backend> {
  const maxMiB = options.maxMemoryMiB ?? 2048;
  if (!(maxMiB >= 1 && maxMiB <= 4096)) {
    throw new Error(`simdgrad: init({ maxMemoryMiB: ${maxMiB} }): must be between 1 and 4096.`);
  }
  const { module, build } = await load(options);
  const maxPages = Math.floor((maxMiB * 1048576) / PAGE);
  const memory = new WebAssembly.Memory({ initial: 32, maximum: maxPages });
  const instance = await WebAssembly.instantiate(module, {
    env: { memory, abort: abortFromWasm, seed: () => Date.now() },
  });
  const kernels = instance.exports as unknown as Record<string, Kernel>;
  const allocator = new LinearAllocator(memory, kernels.heapBase!(), maxPages * PAGE);
  reserveKernelScratch(kernels, allocator);
  return { kernels, allocator, build };
}

/** Which kernels init() loaded: 'simd', 'relaxed-simd' (fused multiply-add), or 'custom'. */
export function kernelBuild(): Backend['build'] {
  return backend().build;
}

function abortFromWasm(): never {
  throw new Error('simdgrad: a kernel aborted (internal error). Please report it with the op and shapes that caused it.');
}
