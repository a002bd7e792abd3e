// simdgrad's plain SIMD build on the thread count compare.mjs --threads N passes in the
// environment (SIMDGRAD_BENCH_THREADS).
import { threadActivity } from '../../dist/simdgrad.js';
import { setupBuild } from './simdgrad.mjs';

export * from './simdgrad.mjs';
export const label = 'simdgrad threads';
export { threadActivity };
export const setup = () => setupBuild('simd', Number(process.env.SIMDGRAD_BENCH_THREADS ?? 1));
