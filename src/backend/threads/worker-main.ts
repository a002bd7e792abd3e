// What every worker thread runs. This function is turned into source text (workerSource) and
// evaluated in a fresh worker, so it must not refer to anything outside itself (types are fine:
// `import type` leaves nothing behind).

import type { ThreadsKernelExports } from '../kernel-exports.js';
import type { ParallelKernel } from './pool.js';

/** The start message a worker gets: the kernels, the shared memory and where its state lives. */
export interface WorkerStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** This worker's own GEMM packing scratch, reserved by the host's allocator. */
  gemmScratch: number;
  /** Address of the task block (task-block.ts) and its layout. */
  taskBlock: number;
  words: Record<string, number>;
  wordCount: number;
  argsOffset: number;
  maxArgs: number;
  /** Names of the kernels a task may name, by index. */
  kernelNames: ParallelKernel[];
  /** How many times to look for the next task before sleeping on the futex word. */
  spins: number;
}

/** Instantiates the kernels on the shared memory, says 'ready' (or why not), then runs tasks forever. */
export function workerMain(start: WorkerStart, reply: (message: { ready: true } | { error: string }) => void): void {
  let kernels: ThreadsKernelExports;
  try {
    const instance = new WebAssembly.Instance(start.module, {
      env: {
        memory: start.memory,
        abort: () => {
          throw new Error('a kernel aborted');
        },
        seed: () => Date.now(),
      },
    });
    kernels = instance.exports as unknown as ThreadsKernelExports;
    kernels.setGemmScratch(start.gemmScratch);
  } catch (error) {
    reply({ error: (error as Error).message });
    return;
  }
  // A task calls its kernel with the arguments in the task block, then the chunk's [begin, end).
  const table = start.kernelNames.map((name): ((...args: number[]) => unknown) => kernels[name]);
  const words = new Int32Array(start.memory.buffer, start.taskBlock, start.wordCount);
  const args = new Float64Array(start.memory.buffer, start.taskBlock + start.argsOffset, start.maxArgs);
  const w = start.words as Record<'generation' | 'remaining' | 'done' | 'kernel' | 'argCount' | 'total' | 'chunk' | 'failed', number>;
  // Read before saying ready: a task dispatched right after 'ready' must look new to this worker.
  let seen = Atomics.load(words, w.generation);
  reply({ ready: true });
  for (;;) {
    // Ops come back to back while training: a worker that looks for a while before sleeping
    // starts the next one without the cost of being woken.
    for (let spin = 0; spin < start.spins && Atomics.load(words, w.generation) === seen; spin++);
    Atomics.wait(words, w.generation, seen);
    seen = Atomics.load(words, w.generation);
    // A claimed chunk (r > 0) belongs to the task the descriptor holds until every chunk is done.
    for (let r = Atomics.sub(words, w.remaining, 1); r > 0; r = Atomics.sub(words, w.remaining, 1)) {
      const total = words[w.total]!;
      const chunk = words[w.chunk]!;
      const begin = (r - 1) * chunk;
      try {
        table[words[w.kernel]!]!(...Array.from(args.subarray(0, words[w.argCount]!)), begin, Math.min(begin + chunk, total));
      } catch {
        Atomics.store(words, w.failed, 1);
      }
      if (Atomics.add(words, w.done, 1) + 1 === Math.ceil(total / chunk)) Atomics.notify(words, w.done);
    }
  }
}
