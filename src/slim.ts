// The 'simdgrad/slim' entry: the same API without the inlined kernels; init({ wasm }) is required.
export * from './core.js';
export { init, type SlimInitOptions } from './backend/init-slim.js';
