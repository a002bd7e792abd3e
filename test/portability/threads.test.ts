import { beforeAll, describe, expect, it } from 'vitest';
import { type CliRuntime } from './harness/cli-hosts.js';
import { hostsDir, npmBinary, repoRoot, requireBuiltBundle } from './harness/paths.js';
import { parseResult, runCommand } from './harness/run-command.js';

interface ThreadsResult {
  threads: number;
  product: number;
  parameters: number[];
}

const script = `${hostsDir}threads.mjs`;

// hosts/threads.mjs in a fresh process; runCommand kills it after 30 s, so a runtime kept alive
// by its workers fails here.
async function runThreads(runtime: CliRuntime, threads: number): Promise<ThreadsResult> {
  const [file, args, env] =
    runtime === 'node'
      ? [process.execPath, [script, String(threads)], {}]
      : runtime === 'deno'
        ? [npmBinary('deno'), ['run', '--no-prompt', script, String(threads)], { DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }]
        : [npmBinary('bun'), ['--no-install', script, String(threads)], { DO_NOT_TRACK: '1' }];
  return parseResult(await runCommand(file, args, { cwd: repoRoot, env }), `${runtime} threads.mjs ${threads}`) as ThreadsResult;
}

describe('dist/simdgrad.js on 2 threads', () => {
  let oneThread: ThreadsResult;
  beforeAll(async () => {
    requireBuiltBundle();
    oneThread = await runThreads('node', 1);
  });

  it.each(['node', 'deno', 'bun'] as const)('%s runs 2 threads, gets the one-thread bits, and exits by itself', async (runtime) => {
    const result = await runThreads(runtime, 2);
    expect(oneThread.threads).toBe(1);
    expect(result).toEqual({ ...oneThread, threads: 2 });
  });
});
