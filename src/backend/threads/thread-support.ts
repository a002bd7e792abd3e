/** Most threads 'auto' starts, however many cores the machine has: past this, memory bandwidth and dispatch costs eat the gain. */
export const AUTO_THREADS_CAP = 8;
/** Most threads init() accepts. */
export const MAX_THREADS = 64;

/** The threads init() runs, and when fewer than asked for, why. */
export interface ThreadPlan {
  threads: number;
  fallbackReason: string | null;
}

const NODE_OS = 'node:os';

/** How many threads `requested` means here: 'auto' is the machine's cores (at most AUTO_THREADS_CAP); one where threads cannot run. */
export async function planThreads(requested: number | 'auto'): Promise<ThreadPlan> {
  const wanted = requested === 'auto' ? Math.min(await coreCount(), AUTO_THREADS_CAP) : requested;
  if (wanted <= 1) return { threads: 1, fallbackReason: null };
  const reason = whyNoThreads();
  return reason === null ? { threads: wanted, fallbackReason: null } : { threads: 1, fallbackReason: reason };
}

/** Null where shared memory and workers are available, else why not and what to do. */
export function whyNoThreads(): string | null {
  const scope = globalThis as { crossOriginIsolated?: boolean; process?: { versions?: { node?: unknown } } };
  if (typeof SharedArrayBuffer !== 'function' || scope.crossOriginIsolated === false) {
    return 'this page has no SharedArrayBuffer: serve it cross-origin isolated (headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  if (typeof Worker !== 'function' && typeof scope.process?.versions?.node !== 'string') {
    return 'this runtime has no Worker threads (Cloudflare Workers/workerd have none)';
  }
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch (error) {
    return `this runtime has no shared WebAssembly memory (${(error as Error).message})`;
  }
  return null;
}

async function coreCount(): Promise<number> {
  const { navigator } = globalThis as { navigator?: { hardwareConcurrency?: number } };
  if (typeof navigator?.hardwareConcurrency === 'number' && navigator.hardwareConcurrency > 0) return navigator.hardwareConcurrency;
  try {
    const os = (await import(/* @vite-ignore */ NODE_OS)) as { availableParallelism?: () => number; cpus: () => unknown[] };
    return os.availableParallelism?.() ?? os.cpus().length;
  } catch {
    return 1;
  }
}
