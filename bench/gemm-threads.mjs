// Square products from small to mid-sized on one thread or more, to place the size below which
// parallel-gemm.ts keeps a product on the calling thread (MIN_PARALLEL_MACS):
//
//   npm run build && node bench/gemm-threads.mjs 1 && node bench/gemm-threads.mjs 2
//
// Prints the best of five runs of back-to-back products (as in training) per size, in µs.
import { getNumThreads, init, matmul, rand } from '../dist/simdgrad.js';

await init({ build: 'simd', threads: Number(process.argv[2] ?? 1) });
const timings = [];
for (const n of [41, 48, 56, 64, 80, 96, 128, 192]) {
  const a = rand([n, n]);
  const b = rand([n, n]);
  const reps = Math.ceil(2e8 / n ** 3);
  for (let i = 0; i < reps / 4; i++) matmul(a, b).dispose();
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) matmul(a, b).dispose();
    best = Math.min(best, ((performance.now() - start) / reps) * 1000);
  }
  timings.push(`${n}: ${best.toFixed(1)} µs`);
}
console.log(`${getNumThreads()} thread(s)  ${timings.join('  ')}`);
