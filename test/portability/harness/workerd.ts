import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { npmBinary, repoRoot } from './paths.js';

/** One worker: hosts/worker.mjs, train-xor.mjs and the bundle, with `kernels` as its kernels.wasm (or none). */
export interface WorkerSpec {
  name: string;
  kernels: string | null;
}

export interface Workerd {
  /** The http://127.0.0.1:port/ address of each worker, by name. */
  urls: Record<string, string>;
  /** What workerd printed so far, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

// Module names mirror the repository's paths, so the relative imports inside them resolve as on
// disk; `embedRoot` is the repository seen from the config file, which embed paths are relative to.
function workerModules(kernels: string | null, embedRoot: string): string[] {
  const bundle = ['dist/simdgrad.js', ...readdirSync(join(repoRoot, 'dist/chunks')).map((file) => `dist/chunks/${file}`)];
  const esModules = ['test/portability/hosts/worker.mjs', 'test/portability/train-xor.mjs', ...bundle];
  const modules = esModules.map((path) => ({ name: path, kind: 'esModule', file: path }));
  if (kernels) modules.push({ name: 'test/portability/hosts/kernels.wasm', kind: 'wasm', file: kernels });
  return modules.map((m) => `(name = "${m.name}", ${m.kind} = embed "${embedRoot}/${m.file}")`);
}

function config(workers: readonly WorkerSpec[], configDir: string): string {
  const embedRoot = relative(configDir, repoRoot);
  const services = workers.map((w) => `(name = "${w.name}", worker = (modules = [${workerModules(w.kernels, embedRoot).join(', ')}], compatibilityDate = "2025-01-01"))`);
  const sockets = workers.map((w) => `(name = "${w.name}", address = "127.0.0.1:0", http = (), service = "${w.name}")`);
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [${services.join(',\n    ')}],
  sockets = [${sockets.join(', ')}],
);
`;
}

/** Starts workerd serving `workers`, each on its own loopback port, and waits until all listen. */
export async function startWorkerd(workers: readonly WorkerSpec[]): Promise<Workerd> {
  const dir = mkdtempSync(join(tmpdir(), 'simdgrad-workerd-'));
  writeFileSync(join(dir, 'config.capnp'), config(workers, dir));
  // fd 3 is workerd's control channel: one JSON line per socket once it listens, with its port.
  const child = spawn(npmBinary('workerd'), ['serve', join(dir, 'config.capnp'), '--control-fd', '3'], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      output += `\n${error.message}`;
      resolve();
    });
  });
  const stop = async () => {
    if (child.exitCode === null) child.kill();
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const urls = await listeningUrls(child.stdio[3] as Readable, workers.length, exited, () => output);
    return { urls, log: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function listeningUrls(control: Readable, count: number, exited: Promise<void>, log: () => string): Promise<Record<string, string>> {
  const urls: Record<string, string> = {};
  const listening = (async () => {
    for await (const line of createInterface({ input: control })) {
      const event = JSON.parse(line) as { event: string; socket: string; port: number };
      if (event.event === 'listen') urls[event.socket] = `http://127.0.0.1:${event.port}/`;
      if (Object.keys(urls).length === count) return urls;
    }
    throw new Error('control channel closed');
  })();
  const failed = exited.then(() => Promise.reject(new Error(`workerd exited before listening:\n${log()}`)));
  const timedOut = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`workerd did not listen within 20 s:\n${log()}`)), 20_000).unref());
  return Promise.race([listening, failed, timedOut]);
}
