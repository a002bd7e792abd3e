// simdgrad's relaxed-SIMD build (f32x4.relaxed_madd), which Node 22+, Chromium, Deno and Bun pick
// by default; compare.mjs starts its process with the flag Node 20 needs.
import { setupBuild } from './simdgrad.mjs';

export * from './simdgrad.mjs';
export const label = 'simdgrad relaxed';
export const setup = () => setupBuild('relaxed-simd');
