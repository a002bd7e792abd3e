import { beforeAll } from 'vitest';
import { init } from 'simdgrad';

beforeAll(async () => {
  // The 'relaxed-threads' test project runs every test on the relaxed-SIMD build with 2 threads.
  const threads = process.env.SIMDGRAD_THREADS === undefined ? {} : { threads: Number(process.env.SIMDGRAD_THREADS) };
  await init({ build: (process.env.SIMDGRAD_BUILD as 'simd' | 'relaxed-simd' | undefined) ?? 'simd', ...threads });
});
