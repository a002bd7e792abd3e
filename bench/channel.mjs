// A request/answer line to a system running in a child process: a Node worker over IPC
// (bench/worker.mjs) or any program answering JSON lines on stdio (bench/systems/pytorch.py).
import { fork, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const DEFAULT_TIMEOUT_SECONDS = 180;

/** `node [execArgv] bench/worker.mjs <system>` with its output kept aside (TF.js prints banners). */
export function nodeChannel(system, execArgv = []) {
  const child = fork(new URL('./worker.mjs', import.meta.url), [system], { silent: true, execArgv });
  let markReady;
  const ready = new Promise((resolve) => (markReady = resolve));
  const channel = openChannel(child, (request) => child.send(request));
  child.on('message', (message) => (message.ready ? markReady() : channel.answer(message)));
  return { ...channel, request: async (request, timeoutSeconds) => (await Promise.race([ready, channel.exited]), channel.request(request, timeoutSeconds)) };
}

/** A program that reads one JSON request per stdin line and writes one JSON answer per line. */
export function lineChannel(command, args, env = {}) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const channel = openChannel(child, (request) => child.stdin.write(`${JSON.stringify(request)}\n`));
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('{')) channel.answer(JSON.parse(line));
  });
  return channel;
}

function openChannel(child, send) {
  const pending = new Map();
  let nextId = 0;
  let stderrTail = '';
  child.stdout?.on('data', () => {});
  child.stderr?.on('data', (chunk) => (stderrTail = (stderrTail + chunk).slice(-2000)));
  const exited = new Promise((_, reject) => {
    child.on('exit', (code, signal) => {
      const lines = stderrTail.trim().split('\n');
      const reason = lines.findLast((line) => /Error\b/.test(line)) ?? lines.at(-1);
      const error = new Error(`worker exited (${signal ?? `code ${code}`})${reason ? `: ${reason.trim()}` : ''}`);
      for (const { reject: rejectRequest } of pending.values()) rejectRequest(error);
      pending.clear();
      reject(error);
    });
  });
  exited.catch(() => {});
  return {
    exited,
    /**
     * Sends `request` and resolves to its answer, { result } or { error }. Rejects when the
     * process dies, or stops it and rejects with `timedOut` set when no answer comes in time.
     */
    request(request, timeoutSeconds = DEFAULT_TIMEOUT_SECONDS) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          child.kill();
          reject(Object.assign(new Error(`no answer in ${timeoutSeconds} s; worker stopped`), { timedOut: true }));
        }, timeoutSeconds * 1000);
        pending.set(id, {
          resolve: (answer) => (clearTimeout(timer), resolve(answer)),
          reject: (error) => (clearTimeout(timer), reject(error)),
        });
        send({ ...request, id });
      });
    },
    answer(message) {
      const entry = pending.get(message.id);
      pending.delete(message.id);
      entry?.resolve(message);
    },
    close() {
      child.stdin?.end();
      if (child.connected) child.disconnect();
    },
  };
}
