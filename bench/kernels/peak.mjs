// The f32x4 peak (GFLOP/s, one thread) of the build that runs, which GEMM and conv2d are
// reported against: the plain build's probe comes from ../peak.mjs; the relaxed build's (fused
// multiply-adds, same flop count per call) from that build's own peakProbe export.
import { readFile } from 'node:fs/promises';
import { loadPeakProbe } from '../peak.mjs';
import { RULE, measure } from '../timing.mjs';

const ITERATIONS = 1 << 20;
const FLOPS_PER_ITERATION = 12 * 4 * 2;
const SHORT_RULE = { ...RULE, minTimedSeconds: 0.3, timedBudgetSeconds: 2 };

export async function peakGflops(build) {
  const probe = build === 'relaxed-simd' ? await relaxedProbe() : await loadPeakProbe();
  return probe.flops / measure(probe.step, SHORT_RULE).seconds / 1e9;
}

// Factor 1 and addend 0 keep every chain at 1.
async function relaxedProbe() {
  const bytes = await readFile(new URL('../../build/simdgrad-relaxed.wasm', import.meta.url));
  const memory = new WebAssembly.Memory({ initial: 64 });
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory, abort: () => {}, seed: () => 1 } });
  const operands = memory.buffer.byteLength - 32;
  new Float32Array(memory.buffer, operands, 8).set([1, 1, 1, 1, 0, 0, 0, 0]);
  return { step: () => instance.exports.peakProbe(ITERATIONS, operands), flops: ITERATIONS * FLOPS_PER_ITERATION };
}
