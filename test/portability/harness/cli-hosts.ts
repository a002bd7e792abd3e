import type { XorResult } from './expect-learned.js';
import { hostsDir, npmBinary, repoRoot } from './paths.js';
import { parseResult, runCommand } from './run-command.js';

export type CliRuntime = 'node' | 'deno' | 'bun';
export type Build = 'auto' | 'simd' | 'relaxed-simd';

const cli = `${hostsDir}cli.mjs`;

/** Node 20 runs relaxed SIMD only behind a flag (Node 22+ by default). */
export const nodeRelaxedSimdFlags = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];

// Deno gets no permissions at all (the bundle needs none) and is kept off the network.
function command(runtime: CliRuntime, build: Build, nodeFlags: string[]): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
  switch (runtime) {
    case 'node':
      return { file: process.execPath, args: [...nodeFlags, cli, build], env: {} };
    case 'deno':
      return { file: npmBinary('deno'), args: ['run', '--no-prompt', cli, build], env: { DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' } };
    case 'bun':
      return { file: npmBinary('bun'), args: ['--no-install', cli, build], env: { DO_NOT_TRACK: '1' } };
  }
}

/** Runs hosts/cli.mjs (train-xor.mjs on dist/simdgrad.js) in a fresh process of `runtime`. */
export async function trainXorIn(runtime: CliRuntime, build: Build, options: { nodeFlags?: string[] } = {}): Promise<XorResult> {
  const { file, args, env } = command(runtime, build, options.nodeFlags ?? []);
  const run = await runCommand(file, args, { cwd: repoRoot, env });
  return parseResult(run, `${runtime} ${args.join(' ')}`) as XorResult;
}

/** Runs hosts/load-fashion-mnist.mjs in Deno with `permissions` (flags such as --allow-read); its JSON line. */
export async function loadFashionMnistInDeno(permissions: string[]): Promise<unknown> {
  const run = await runCommand(npmBinary('deno'), ['run', '--no-prompt', ...permissions, `${hostsDir}load-fashion-mnist.mjs`], { cwd: repoRoot, env: { DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' } });
  return parseResult(run, `deno run ${permissions.join(' ')} load-fashion-mnist.mjs`);
}

/** What `node hosts/cli.mjs simd` learns: the reference every other runtime's plain SIMD build must match. */
export function nodeReference(): Promise<XorResult> {
  return trainXorIn('node', 'simd');
}

/** What threads-run.mjs returns: the thread count that ran, init()'s warnings, hashes of the bits. */
export interface ThreadsResult {
  threads: number;
  warnings: string[];
  product: number;
  parameters: number[];
}

/** Runs hosts/threads.mjs (threads-run.mjs on `threads` threads) in a fresh process of `runtime`, which must end by itself within 30 s. */
export async function runThreadsIn(runtime: CliRuntime, threads: number): Promise<ThreadsResult> {
  const { file, args, env } = command(runtime, 'simd', []);
  // The runtime's own arguments, with threads.mjs and the thread count in place of cli.mjs and the build.
  const threadArgs = [...args.slice(0, -2), `${hostsDir}threads.mjs`, String(threads)];
  const run = await runCommand(file, threadArgs, { cwd: repoRoot, env });
  return parseResult(run, `${runtime} ${threadArgs.join(' ')}`) as ThreadsResult;
}
