import type { InitOptions } from './backend.js';
import { MAX_THREADS } from './threads/thread-support.js';

const BUILDS = ['auto', 'simd', 'relaxed-simd'];
const MAX_MEMORY_MIB = 4096;
const DEFAULTS: Required<Omit<InitOptions, 'wasm'>> = { build: 'auto', maxMemoryMiB: 2048, threads: 1 };

/** Refuses what no init() call can accept, whether or not the kernels are already loaded. */
export function checkInitOptions(options: InitOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new Error(`simdgrad: init(${String(options)}): pass an options object { wasm?, build?, maxMemoryMiB?, threads? }, or nothing.`);
  }
  const unknown = Object.keys(options).filter((key) => !['wasm', 'build', 'maxMemoryMiB', 'threads'].includes(key));
  if (unknown.length > 0) {
    throw new Error(`simdgrad: init(): unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; the options are wasm, build, maxMemoryMiB and threads.`);
  }
  const { build, maxMemoryMiB, threads } = options;
  if (build !== undefined && !BUILDS.includes(build)) {
    throw new Error(`simdgrad: init({ build: ${JSON.stringify(build)} }): build must be 'auto', 'simd' or 'relaxed-simd'.`);
  }
  if (maxMemoryMiB !== undefined && !(Number.isInteger(maxMemoryMiB) && maxMemoryMiB >= 1 && maxMemoryMiB <= MAX_MEMORY_MIB)) {
    throw new Error(`simdgrad: init({ maxMemoryMiB: ${maxMemoryMiB} }): must be a whole number of MiB from 1 to ${MAX_MEMORY_MIB} (a wasm32 memory's limit).`);
  }
  if (threads !== undefined && threads !== 'auto' && !(Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS)) {
    throw new Error(`simdgrad: init({ threads: ${JSON.stringify(threads)} }): threads must be a whole number from 1 to ${MAX_THREADS}, or 'auto' (the machine's cores).`);
  }
}

/** Whether `later` asks for what `first` loaded: every option it gives equals first's (or the default). */
export function sameOptions(first: InitOptions, later: InitOptions): boolean {
  return (Object.keys(later) as (keyof InitOptions)[]).every((key) => later[key] === undefined || later[key] === effective(first, key));
}

export function describeOptions(options: InitOptions): string {
  const parts = Object.entries(options)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}: ${typeof value === 'string' || typeof value === 'number' ? JSON.stringify(value) : `<${value?.constructor?.name ?? typeof value}>`}`);
  return parts.length === 0 ? '' : `{ ${parts.join(', ')} }`;
}

function effective(options: InitOptions, key: keyof InitOptions): unknown {
  return options[key] ?? (key === 'wasm' ? undefined : DEFAULTS[key]);
}
