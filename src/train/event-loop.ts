/**
 * Long work hands the thread back to the event loop often enough that a page stays responsive
 * (timers, input, rendering, worker messages): a TimeSlicer yields once a slice of work has run
 * `sliceMs`, so a fast loop pays for a yield every few dozen batches, not every batch.
 */
export class TimeSlicer {
  private sliceStart = now();

  constructor(readonly sliceMs = 30) {}

  /** Yields when the current slice has run `sliceMs` or longer; otherwise returns at once. */
  async maybeYield(): Promise<void> {
    if (now() - this.sliceStart >= this.sliceMs) await this.yieldNow();
  }

  async yieldNow(): Promise<void> {
    await nextMacrotask();
    this.sliceStart = now();
  }
}

export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/**
 * Resolves in a new macrotask: after pending timers, messages and input events. setImmediate
 * (Node, Bun) and MessageChannel (browsers, Deno, workers) are not clamped as nested
 * setTimeout(0) is (to 4 ms in browsers); setTimeout is the portable fallback.
 */
export function nextMacrotask(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'function') return viaMessageChannel();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

declare function setImmediate(callback: () => void): unknown;

function viaMessageChannel(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
