import { tfjsSystem } from './tfjs.mjs';

export const { label, setup, prepare, explainError } = tfjsSystem('wasm');
