// The task descriptor the calling thread writes into shared memory for the workers: one block of
// 32-bit words (the futex words and the split) followed by the kernel's arguments as float64, so
// pointers, sizes and float hyper-parameters all pass exactly. The workers get these offsets in
// their start message (their source cannot import this module).

/** Word indices in the block's Int32Array. */
export const TASK_WORDS = {
  /** Bumped once per task; idle workers Atomics.wait on it. */
  generation: 0,
  /**
   * Chunks not yet claimed: each thread claims chunk r - 1 by Atomics.sub returning r > 0. A
   * thread that comes late sees r <= 0 whatever the descriptor holds by then, so the caller need
   * not wait for threads that took no chunk.
   */
  remaining: 1,
  /** Chunks finished; the caller waits on it until all are. */
  done: 2,
  /** Index of the kernel in the pool's kernel table. */
  kernel: 3,
  /** How many arguments precede the chunk's [begin, end). */
  argCount: 4,
  /** The index range [0, total) split into chunks of `chunk` (the last may be shorter). */
  total: 5,
  chunk: 6,
  /** Set by a worker whose kernel threw. */
  failed: 7,
} as const;

export const TASK_WORD_COUNT = 8;
export const MAX_TASK_ARGS = 24;
/** Byte offset of the float64 arguments within the block. */
export const TASK_ARGS_OFFSET = TASK_WORD_COUNT * 4;
export const TASK_BLOCK_BYTES = TASK_ARGS_OFFSET + MAX_TASK_ARGS * 8;
