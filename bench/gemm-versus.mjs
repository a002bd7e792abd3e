// The GEMM kernel of this checkout's builds against another checkout's (a baseline), one thread,
// on square and model-shaped products, as GFLOP/s and fraction of the machine's f32x4 peak.
// Both sides run in one process, one sample each in turn, timed in CPU time, so the load other
// processes put on the machine falls evenly on both (compare the ratio, not the absolute figures,
// across runs).
//
//   npx asc assembly/index.ts --target release && npx asc assembly/index.ts --target relaxed
//   node bench/gemm-versus.mjs --baseline=/path/to/other/checkout [--runs=9] [--builds=plain,relaxed]
//
// The kernel is called directly (exported `gemm`), so this measures it alone, without the
// library's dispatch. Node 20 needs --experimental-wasm-relaxed-simd: this script sets it itself.
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { instantiateGemm, peakProbeCall } from './gemm-instance.mjs';
import { callsPerSample, median } from './timing.mjs';

setFlagsFromString('--experimental-wasm-relaxed-simd');

const options = parseOptions(process.argv.slice(2));
const RUNS = options.runs ?? 9;
const SAMPLE_SECONDS = 0.08;
// [m, k, n]: C[m,n] = A[m,k]·B[k,n], no transposition.
const SHAPES = [
  { name: '256^3', m: 256, k: 256, n: 256 },
  { name: '512^3', m: 512, k: 512, n: 512 },
  { name: '1024^3', m: 1024, k: 1024, n: 1024 },
  { name: '[2048x128]x[128x512]', m: 2048, k: 128, n: 512 },
  { name: '[2048x512]x[512x128]', m: 2048, k: 512, n: 128 },
  { name: '[32x256]x[256x1024]', m: 32, k: 256, n: 1024 },
];
const FILES = { plain: 'build/simdgrad.wasm', relaxed: 'build/simdgrad-relaxed.wasm' };
const builds = options.builds ?? ['plain', 'relaxed'];

const here = new URL('../', import.meta.url);
const there = new URL(options.baseline.replace(/\/?$/, '/'), 'file:///');
const sides = [];
for (const build of builds) {
  for (const [label, root] of [['new', here], ['base', there]]) {
    const bytes = await readFile(new URL(FILES[build], root));
    sides.push({ build, label, kernels: await instantiateGemm(bytes, Math.max(...SHAPES.flatMap((s) => [s.m * s.k, s.k * s.n, s.m * s.n]))) });
  }
}

const measurements = [];
for (const side of sides) {
  measurements.push({ key: `${side.build} ${side.label} peak`, ...peakProbeCall(side.kernels) });
  for (const shape of SHAPES) measurements.push({ key: `${side.build} ${side.label} ${shape.name}`, ...gemmCall(side.kernels, shape) });
}
for (const m of measurements) m.calls = callsPerSample(m.run, SAMPLE_SECONDS);
const rates = new Map(measurements.map((m) => [m.key, []]));
for (let round = 0; round < RUNS; round++) for (const m of measurements) rates.get(m.key).push(sample(m));
const result = new Map([...rates].map(([key, values]) => [key, median(values)]));

for (const build of builds) {
  const peak = result.get(`${build} new peak`);
  console.log(`\n${build}: peak ${peak.toFixed(1)} GFLOP/s (baseline's probe ${result.get(`${build} base peak`).toFixed(1)}); GEMM GFLOP/s (% of peak), median of ${RUNS}`);
  const rows = [['shape', 'baseline', 'this', 'this/baseline']];
  for (const shape of SHAPES) {
    const base = result.get(`${build} base ${shape.name}`);
    const mine = result.get(`${build} new ${shape.name}`);
    rows.push([shape.name, `${base.toFixed(1)} (${Math.round((100 * base) / peak)}%)`, `${mine.toFixed(1)} (${Math.round((100 * mine) / peak)}%)`, `${(mine / base).toFixed(3)}x`]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((cell, i) => cell.padStart(widths[i])).join('  '));
}

function gemmCall(kernels, { m, k, n }) {
  return { run: () => kernels.exports.gemm(0, 0, m, n, k, kernels.a, kernels.b, kernels.c, 0), flops: 2 * m * n * k };
}

// Timed in this process's CPU time, not wall time: the time another process holds the core off
// does not count (one thread: CPU time is the kernel's time).
function sample({ run, flops, calls }) {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) run();
  const used = process.cpuUsage(start);
  return (flops * calls) / ((used.user + used.system) / 1e6) / 1e9;
}

function parseOptions(args) {
  const out = {};
  for (const arg of args) {
    const [key, value] = arg.replace(/^--/, '').split('=');
    if (key === 'baseline') out.baseline = value;
    else if (key === 'runs') out.runs = Number(value);
    else if (key === 'builds') out.builds = value.split(',');
    else throw new Error(`bench/gemm-versus.mjs: unknown option ${arg}; use --baseline=dir --runs=9 --builds=plain,relaxed`);
  }
  if (!out.baseline) throw new Error('bench/gemm-versus.mjs: --baseline=dir (a checkout with build/simdgrad.wasm) is required');
  return out;
}
