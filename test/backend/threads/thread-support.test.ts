import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AUTO_THREADS_CAP, planThreads, whyNoThreads } from '../../../src/backend/threads/thread-support.js';

type Simdgrad = typeof import('simdgrad');

async function freshLibrary(): Promise<Simdgrad> {
  vi.resetModules();
  return (await import('simdgrad')) as Simdgrad;
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('thread support', () => {
  it("runs 'auto' on the machine's cores, at most 8, and one thread without asking for more", async () => {
    expect(whyNoThreads()).toBeNull();
    expect(await planThreads('auto')).toEqual({ threads: Math.min(availableParallelism(), AUTO_THREADS_CAP), fallbackReason: null });
    expect(await planThreads(1)).toEqual({ threads: 1, fallbackReason: null });
    expect(await planThreads(3)).toEqual({ threads: 3, fallbackReason: null });
  });

  it('falls back to one thread on a page that is not cross-origin isolated, and init() says why', async () => {
    vi.stubGlobal('crossOriginIsolated', false);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const sg = await freshLibrary();
    await sg.init({ threads: 2 });
    expect(sg.getNumThreads()).toBe(1);
    expect(warn).toHaveBeenCalledWith(
      'simdgrad: init({ threads: 2 }): running on one thread: this page has no SharedArrayBuffer: serve it cross-origin isolated (headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp).',
    );
    expect(sg.tensor([1, 2]).mul(3).toArray()).toEqual([3, 6]);
  });

  it('falls back to one thread where there are no workers (workerd), and asking for one thread says nothing', async () => {
    vi.stubGlobal('process', { versions: {} });
    expect(whyNoThreads()).toBe('this runtime has no Worker threads (Cloudflare Workers/workerd have none)');
    vi.unstubAllGlobals();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const sg = await freshLibrary();
    await sg.init({ threads: 1 });
    expect(sg.getNumThreads()).toBe(1);
    expect(warn).not.toHaveBeenCalled();
  });

  it('refuses a thread count that is not a whole number from 1 to 64 or auto', async () => {
    const sg = await freshLibrary();
    for (const threads of [0, 65, 1.5, '2', null]) {
      await expect(sg.init({ threads } as never)).rejects.toThrow(`simdgrad: init({ threads: ${JSON.stringify(threads)} }): threads must be a whole number from 1 to 64, or 'auto' (the machine's cores).`);
    }
  });
});
