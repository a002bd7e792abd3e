// matmul() on 1 and on N threads, this checkout's bundle against a baseline bundle, in one
// run: each bundle runs in two child processes (one per thread count, as init() runs once per
// program) and the four take turns product by product, so the load other processes put on the machine
// falls on all alike. Prints the median time per product and the N-thread / 1-thread speed-up.
//
//   npm run build && node bench/gemm-scaling.mjs --baseline=/path/to/other/dist/simdgrad.js [--threads=2] [--rounds=15]
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const options = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')));
if (!options.baseline) throw new Error('bench/gemm-scaling: give --baseline=<path to another build of dist/simdgrad.js>');
const threads = Number(options.threads ?? 2);
const rounds = Number(options.rounds ?? 15);
// [m, k, n]: W1 at N = 1024, the transformer-like products and an LSTM step.
const SHAPES = [
  [1024, 1024, 1024],
  [2048, 128, 512],
  [2048, 512, 128],
  [32, 256, 1024],
];

const bundles = { baseline: pathToFileURL(resolve(options.baseline)).href, this: new URL('../dist/simdgrad.js', import.meta.url).href };

if (process.env.GEMM_SCALING_SIDE) {
  // One side: a bundle on its thread count, in a process of its own.
  const { url, count } = JSON.parse(process.env.GEMM_SCALING_SIDE);
  const lib = await import(url);
  await lib.init({ build: 'simd', threads: count });
  const products = SHAPES.map(([m, k, n]) => {
    const a = lib.rand([m, k]);
    const b = lib.rand([k, n]);
    const calls = Math.max(3, Math.round(3e8 / (m * k * n)));
    // A turn starts with an untimed product: the workers have slept while the other sides ran,
    // and waking a sleeping thread here (a virtual machine) can take milliseconds, where products
    // back to back, as in training, find them still spinning.
    const step = () => {
      lib.matmul(a, b).dispose();
      const start = performance.now();
      for (let i = 0; i < calls; i++) lib.matmul(a, b).dispose();
      return (performance.now() - start) / calls;
    };
    step();
    return step;
  });
  process.on('message', (shape) => (shape === 'exit' ? process.exit(0) : process.send(products[shape]())));
  process.send(lib.getNumThreads());
} else {
  const sides = [];
  for (const [name, url] of Object.entries(bundles)) {
    for (const count of [1, threads]) {
      const worker = fork(fileURLToPath(import.meta.url), process.argv.slice(2), { env: { ...process.env, GEMM_SCALING_SIDE: JSON.stringify({ url, count }) } });
      const ran = await next(worker);
      sides.push({ name, threads: ran, worker });
    }
  }
  console.log(`median of ${rounds} turns; ms per product (GFLOP/s)\n`);
  for (const [shape, [m, k, n]] of SHAPES.entries()) {
    const times = sides.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (const [i, side] of sides.entries()) {
        side.worker.send(shape);
        times[i].push(await next(side.worker));
      }
    }
    const ms = times.map(median);
    const cells = sides.map((side, i) => `${side.name} ${side.threads}t ${ms[i].toFixed(2)} (${((2 * m * k * n) / ms[i] / 1e6).toFixed(1)})`);
    const ratio = (name) => ms[sides.findIndex((s) => s.name === name && s.threads === 1)] / ms[sides.findIndex((s) => s.name === name && s.threads !== 1)];
    console.log(`[${m}x${k}]x[${k}x${n}]  ${cells.join('  ')}  ${threads}t/1t: baseline ${ratio('baseline').toFixed(2)}x, this ${ratio('this').toFixed(2)}x`);
  }
  for (const side of sides) side.worker.send('exit');
}

function next(worker) {
  return new Promise((resolve, reject) => {
    const fail = (code) => reject(new Error(`bench/gemm-scaling: a side exited (${code})`));
    worker.once('exit', fail);
    worker.once('message', (value) => {
      worker.off('exit', fail);
      resolve(value);
    });
  });
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[sorted.length >> 1];
}
