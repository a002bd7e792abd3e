// The machine's f32x4 multiply + add peak (GFLOP/s, one thread), which GEMM is reported against.
// Uses the simdgrad module's own peakProbe export when the build has one (12 chains of 4-lane
// multiply-adds per iteration, operands at a pointer), else compiles bench/peak-probe.ts.
import { readFile } from 'node:fs/promises';
import asc from 'assemblyscript/asc';

const ITERATIONS = 1 << 20;
const FLOPS_PER_ITERATION = 12 * 4 * 2;
const X = 0.5;
const Y = 0.25;

/** { source, step(), flops }: one call of the probe and the floating-point operations it does. */
export async function loadPeakProbe() {
  const probe = (await moduleProbe()) ?? (await benchProbe());
  return { ...probe, flops: ITERATIONS * FLOPS_PER_ITERATION };
}

async function moduleProbe() {
  const bytes = await readFile(new URL('../build/simdgrad.wasm', import.meta.url)).catch(() => null);
  if (!bytes) return null;
  const module = await WebAssembly.compile(bytes);
  if (!WebAssembly.Module.exports(module).some((e) => e.name === 'peakProbe')) return null;
  const memory = new WebAssembly.Memory({ initial: 64 });
  const instance = await WebAssembly.instantiate(module, { env: { memory, abort: () => {}, seed: () => 1 } });
  return { source: "simdgrad module's peakProbe", step: bind(instance.exports.peakProbe, memory) };
}

async function benchProbe() {
  const source = await readFile(new URL('./peak-probe.ts', import.meta.url), 'utf8');
  const { binary, error, stderr } = await asc.compileString({ 'peak-probe.ts': source }, { optimizeLevel: 3, runtime: 'stub', initialMemory: 1, enable: ['simd'] });
  if (error) throw new Error(`bench/peak-probe.ts does not compile: ${stderr.toString()}`);
  const { instance } = await WebAssembly.instantiate(binary, { env: { abort: () => {} } });
  return { source: 'bench/peak-probe.ts', step: bind(instance.exports.peakProbe, instance.exports.memory) };
}

// The operands go at the end of memory, where nothing else lives.
function bind(peakProbe, memory) {
  const operands = memory.buffer.byteLength - 32;
  new Float32Array(memory.buffer, operands, 8).set([X, X, X, X, Y, Y, Y, Y]);
  return () => peakProbe(ITERATIONS, operands);
}
