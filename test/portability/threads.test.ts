import { beforeAll, describe, expect, it } from 'vitest';
import { runThreadsIn, type ThreadsResult } from './harness/cli-hosts.js';
import { requireBuiltBundle } from './harness/paths.js';

// Each run is a fresh process, killed after 30 s: a runtime kept alive by its workers fails here.
describe('dist/simdgrad.js on 2 threads in the command-line runtimes', () => {
  let oneThread: ThreadsResult;
  beforeAll(async () => {
    requireBuiltBundle();
    oneThread = await runThreadsIn('node', 1);
  });

  it.each(['node', 'deno', 'bun'] as const)('%s runs 2 threads, gets the one-thread bits, and exits by itself', async (runtime) => {
    const result = await runThreadsIn(runtime, 2);
    expect(oneThread.threads).toBe(1);
    expect(result).toEqual({ ...oneThread, threads: 2 });
  });
});
