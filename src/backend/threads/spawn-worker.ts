import { workerMain, type WorkerStart } from './worker-main.js';

/** A started worker: how to wait for its 'ready'. */
export interface SpawnedWorker {
  ready: Promise<void>;
}

// The worker's whole program: workerMain's own text, run on the first message.
const WORKER_MAIN = `(${workerMain.toString()})`;

// The specifier is a variable so that bundlers for browsers do not try to resolve it.
const NODE_WORKER_THREADS = 'node:worker_threads';

interface NodeWorker {
  on(event: 'message', listener: (message: unknown) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  postMessage(message: unknown): void;
  unref(): void;
}

/**
 * Starts one worker on `start`: where node:worker_threads exists (Node, and Deno and Bun, whose
 * Web Workers would keep a program alive) a worker_threads Worker, unref()ed once it is ready so that it never
 * keeps the process alive after the user's work (before, a program awaiting init() must not exit;
 * and an unref() before the message listener is attached does not hold).
 */
export async function spawnWorker(start: WorkerStart): Promise<SpawnedWorker> {
  if (!hasNodeWorkers()) return spawnWebWorker(start);
  const { Worker: NodeWorkerClass } = (await import(/* @vite-ignore */ NODE_WORKER_THREADS)) as { Worker: new (source: URL) => NodeWorker };
  // An ES module in a data: URL, whatever the parent's module type (an eval'd script would
  // inherit --input-type, and CommonJS and ES modules need different imports).
  const source = `import { parentPort } from 'node:worker_threads';
parentPort.once('message', (start) => ${WORKER_MAIN}(start, (message) => parentPort.postMessage(message)));`;
  const worker = new NodeWorkerClass(new URL(`data:text/javascript,${encodeURIComponent(source)}`));
  const ready = readyFrom((listener) => worker.on('message', listener), (listener) => worker.on('error', listener));
  worker.postMessage(start);
  return { ready: ready.then(() => worker.unref()) };
}

function hasNodeWorkers(): boolean {
  const { process } = globalThis as { process?: { versions?: { node?: unknown } } };
  return typeof process?.versions?.node === 'string';
}

function spawnWebWorker(start: WorkerStart): SpawnedWorker {
  const source = `self.onmessage = (event) => { self.onmessage = null; ${WORKER_MAIN}(event.data, (message) => self.postMessage(message)); };`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url, { type: 'module' });
  const ready = readyFrom(
    (listener) => worker.addEventListener('message', (event) => listener(event.data)),
    (listener) => worker.addEventListener('error', (event) => listener(new Error(event.message))),
  );
  worker.postMessage(start);
  return {
    ready: ready.then(
      () => URL.revokeObjectURL(url),
      (error: unknown) => {
        URL.revokeObjectURL(url);
        throw error;
      },
    ),
  };
}

function readyFrom(onMessage: (listener: (message: unknown) => void) => void, onError: (listener: (error: Error) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    onMessage((message) => {
      const { error } = message as { error?: string };
      if (error === undefined) resolve();
      else reject(new Error(error));
    });
    onError(reject);
  });
}
