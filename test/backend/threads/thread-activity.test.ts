import { describe, expect, it, vi } from 'vitest';

type Simdgrad = typeof import('../../../src/index.js');

// Each thread count needs a program of its own (init() loads once per program).
async function withThreads(threads: number): Promise<Simdgrad> {
  vi.resetModules();
  const sg = await import('../../../src/index.js');
  await sg.init({ build: (process.env.SIMDGRAD_BUILD as 'simd' | 'relaxed-simd' | undefined) ?? 'simd', threads });
  return sg;
}

describe('threadActivity', () => {
  it('counts the kernel calls split over the threads and the time they took, and nothing for ops too small to split', async () => {
    const sg = await withThreads(2);
    const a = sg.randn([256, 256]);
    const small = sg.randn([4, 4]);
    const before = sg.threadActivity();
    sg.matmul(small, small).dispose();
    const afterSmall = sg.threadActivity();
    const start = performance.now();
    sg.matmul(a, a).dispose();
    const elapsed = performance.now() - start;
    const after = sg.threadActivity();
    expect(before.threads).toBe(2);
    expect(afterSmall.parallelTasks).toBe(before.parallelTasks);
    expect(after.parallelTasks).toBe(afterSmall.parallelTasks + 1);
    const spent = after.parallelMilliseconds - afterSmall.parallelMilliseconds;
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(elapsed);
    a.dispose();
    small.dispose();
  });

  it('reports one thread and no parallel work where no workers run', async () => {
    const sg = await withThreads(1);
    const a = sg.randn([256, 256]);
    sg.matmul(a, a).dispose();
    expect(sg.threadActivity()).toEqual({ threads: 1, parallelTasks: 0, parallelMilliseconds: 0 });
    a.dispose();
  });
});
