// simdgrad through its public API, from the built bundle (npm run build first).
import * as simdgrad from '../../dist/simdgrad.js';
import { simdgradWorkloads } from './simdgrad-workloads.mjs';

export const label = 'simdgrad';

export const { setupBuild, prepare, wasmMemoryDuringTraining } = simdgradWorkloads(simdgrad);

export function setup() {
  return setupBuild('simd');
}
