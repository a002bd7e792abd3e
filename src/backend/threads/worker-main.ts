// What every worker thread runs. This function is turned into source text (workerSource) and
// evaluated in a fresh worker, so it must not refer to anything outside itself.

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
  kernelNames: string[];
  /** How many times to look for the next task before sleeping on the futex word. */
  spins: number;
}

/** Instantiates the kernels on the shared memory, says 'ready' (or why not), then runs tasks forever. */
export function workerMain(start: WorkerStart, reply: (message: { ready: true } | { error: string }) => void): void {
  let kernels: Record<string, (...args: number[]) => number>;
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
    kernels = instance.exports as unknown as Record<string, (...args: number[]) => number>;
    kernels.setGemmScratch!(start.gemmScratch);
  } catch (error) {
    reply({ error: (error as Error).message });
    return;
  }
  const table = start.kernelNames.map((name) => kernels[name]!);
  const words = new Int32Array(start.memory.buffer, start.taskBlock, start.wordCount);
  const args = new Float64Array(start.memory.buffer, start.taskBlock + start.argsOffset, start.maxArgs);
  const w = start.words as Record<'generation' | 'pending' | 'kernel' | 'argCount' | 'total' | 'chunk' | 'nextChunk' | 'failed', number>;
  // Read before saying ready: a task dispatched right after 'ready' must look new to this worker.
  let seen = Atomics.load(words, w.generation);
  reply({ ready: true });
  for (;;) {
    // Ops come back to back while training: a worker that looks for a while before sleeping
    // starts the next one without the cost of being woken.
    for (let spin = 0; spin < start.spins && Atomics.load(words, w.generation) === seen; spin++);
    Atomics.wait(words, w.generation, seen);
    const generation = Atomics.load(words, w.generation);
    if (generation === seen) continue;
    seen = generation;
    try {
      const kernel = table[words[w.kernel]!]!;
      const count = words[w.argCount]!;
      const total = words[w.total]!;
      const chunk = words[w.chunk]!;
      const call = Array.from(args.subarray(0, count));
      for (let begin = Atomics.add(words, w.nextChunk, 1) * chunk; begin < total; begin = Atomics.add(words, w.nextChunk, 1) * chunk) {
        kernel(...call, begin, Math.min(begin + chunk, total));
      }
    } catch {
      Atomics.store(words, w.failed, 1);
    }
    if (Atomics.sub(words, w.pending, 1) === 1) Atomics.notify(words, w.pending);
  }
}
