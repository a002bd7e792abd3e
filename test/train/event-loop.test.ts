import { afterEach, describe, expect, it, vi } from 'vitest';
import { TimeSlicer, nextMacrotask } from '../../src/train/event-loop.js';

function immediateFlag(): { ran: boolean } {
  const flag = { ran: false };
  setImmediate(() => (flag.ran = true));
  return flag;
}

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('TimeSlicer', () => {
  it('does not yield before its slice has run out', async () => {
    const slicer = new TimeSlicer(10_000);
    const earlier = immediateFlag();
    await slicer.maybeYield();
    expect(earlier.ran).toBe(false);
  });

  it('yields before a step that would overrun the slice, judging by the step just done', async () => {
    const slicer = new TimeSlicer(30);
    await slicer.maybeYield();
    busy(20); // 20 ms into the slice: a second 20 ms step would end at 40 ms
    const earlier = immediateFlag();
    await slicer.maybeYield();
    expect(earlier.ran).toBe(true);
  });

  it('yields a macrotask once its slice has run out, then starts a new slice', async () => {
    const slicer = new TimeSlicer(0);
    const earlier = immediateFlag();
    await slicer.maybeYield();
    expect(earlier.ran).toBe(true);
  });
});

describe('nextMacrotask', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('resolves after macrotasks queued before it (setImmediate where there is one)', async () => {
    const earlier = immediateFlag();
    await nextMacrotask();
    expect(earlier.ran).toBe(true);
  });

  it('uses a MessageChannel where there is no setImmediate (browsers, Deno, workers)', async () => {
    const channel = new MessageChannel();
    let delivered = false;
    channel.port1.onmessage = () => {
      delivered = true;
      channel.port1.close();
    };
    channel.port2.postMessage(null);
    vi.stubGlobal('setImmediate', undefined);
    await nextMacrotask();
    expect(delivered).toBe(true);
  });
});
