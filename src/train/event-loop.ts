/**
 * Long work hands the thread back to the event loop often enough that a page stays responsive
 * (timers, input, rendering, worker messages): a TimeSlicer yields when the next step would
 * likely end past `sliceMs` of work since the last yield (judging by the step just done), so a
 * fast loop pays for a yield every few dozen steps, not every step, and no task runs much longer
 * than `sliceMs`.
 */
export class TimeSlicer {
  private sliceStart = now();
  private lastCall = this.sliceStart;

  constructor(readonly sliceMs = 30) {}

  /** Call between steps: yields when another step like the last one would overrun the slice. */
  async maybeYield(): Promise<void> {
    const time = now();
    const step = time - this.lastCall;
    this.lastCall = time;
    if (time - this.sliceStart + step >= this.sliceMs) await this.yieldNow();
  }

  async yieldNow(): Promise<void> {
    await nextMacrotask();
    this.sliceStart = now();
    this.lastCall = this.sliceStart;
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
