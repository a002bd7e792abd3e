// The 'simdgrad' entry: init() runs the kernels inlined in the bundle (or the ones you pass).
export * from './core.js';
export { init } from './backend/init.js';
