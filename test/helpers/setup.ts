import { beforeAll } from 'vitest';
import { init } from 'simdgrad';

beforeAll(async () => {
  // The 'relaxed' test project runs every test on the relaxed-SIMD build.
  await init({ build: (process.env.SIMDGRAD_BUILD as 'simd' | 'relaxed-simd' | undefined) ?? 'simd' });
});
