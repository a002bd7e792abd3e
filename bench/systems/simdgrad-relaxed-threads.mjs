// simdgrad's relaxed-SIMD build (the one init() picks by default where the runtime has relaxed
// SIMD) on the thread count compare.mjs --threads N passes in the environment
// (SIMDGRAD_BENCH_THREADS); compare.mjs starts its process with the flag Node 20 needs.
import { threadActivity } from '../../dist/simdgrad.js';
import { setupBuild } from './simdgrad.mjs';

export * from './simdgrad.mjs';
export const label = 'simdgrad relaxed threads';
export { threadActivity };
export const setup = () => setupBuild('relaxed-simd', Number(process.env.SIMDGRAD_BENCH_THREADS ?? 1));
