// The ops that src/backend/threads/parallel-optim.ts, parallel-activation.ts, parallel-pool.ts
// and parallel-loss.ts split, at sizes around their thresholds, on one thread or more, to place the
// size below which each stays on the calling thread:
//
//   npm run build && node bench/ops-threads.mjs 1 optim && node bench/ops-threads.mjs 2 optim
//
// Sizes are input elements. Families: optim (an Adam step over one tensor), relu (forward,
// sum and backward), pool (2x2 max pool, forward, sum and backward, of [n / 1024, 16, 8, 8]),
// crossEntropy (forward and backward of [n / 8, 8] logits); relu-forward, gelu-forward and
// pool-forward time the forward pass alone, without the tape. Prints the best of five runs of
// back-to-back calls per size, in µs.
import { F, getNumThreads, init, noGrad, optim, randn, relu, tidy } from '../dist/simdgrad.js';

const [threadsArg = '1', family = 'optim'] = process.argv.slice(2);
await init({ build: 'simd', threads: Number(threadsArg) });

const FAMILIES = {
  optim: {
    sizes: [8192, 16384, 32768, 65536, 131072, 262144, 1048576],
    prepare: (n) => {
      const param = randn([n], { requiresGrad: true });
      param.grad = randn([n]);
      const adam = new optim.Adam([param], { lr: 1e-3 });
      return () => adam.step();
    },
  },
  relu: {
    sizes: [8192, 16384, 32768, 65536, 131072, 262144, 1048576],
    prepare: (n) => {
      const x = randn([n], { requiresGrad: true });
      return () => tidy(() => relu(x).sum().backward());
    },
  },
  // Forward passes alone, without the tape: the split kernel and the output's allocation only.
  'relu-forward': {
    sizes: [65536, 131072, 262144, 1048576, 4194304],
    prepare: (n) => {
      const x = randn([n]);
      return () => noGrad(() => relu(x)).dispose();
    },
  },
  'gelu-forward': {
    sizes: [65536, 131072, 262144, 1048576],
    prepare: (n) => {
      const x = randn([n]);
      return () => noGrad(() => F.gelu(x)).dispose();
    },
  },
  'pool-forward': {
    sizes: [65536, 131072, 262144, 1048576, 4194304],
    prepare: (n) => {
      const x = randn([n / 1024, 16, 8, 8]);
      return () => noGrad(() => F.maxPool2d(x, 2)).dispose();
    },
  },
  pool: {
    sizes: [8192, 16384, 32768, 65536, 131072, 262144, 1048576],
    prepare: (n) => {
      const x = randn([n / 1024, 16, 8, 8], { requiresGrad: true });
      return () => tidy(() => F.maxPool2d(x, 2).sum().backward());
    },
  },
  crossEntropy: {
    sizes: [8192, 16384, 32768, 65536, 131072, 262144, 1048576],
    prepare: (n) => {
      const logits = randn([n / 8, 8], { requiresGrad: true });
      const target = new Int32Array(n / 8).map((_, i) => i % 8);
      return () => tidy(() => F.crossEntropy(logits, target).backward());
    },
  },
};

const { sizes, prepare } = FAMILIES[family];
const timings = [];
for (const n of sizes) {
  const run = prepare(n);
  const reps = Math.max(20, Math.ceil(1e7 / n));
  for (let i = 0; i < reps / 4; i++) run();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) run();
    best = Math.min(best, ((performance.now() - start) / reps) * 1000);
  }
  timings.push(`${n}: ${best.toFixed(1)} µs`);
}
console.log(`${family}, ${getNumThreads()} thread(s)  ${timings.join('  ')}`);
