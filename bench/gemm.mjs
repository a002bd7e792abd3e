// GEMM throughput against this machine's own f32x4 peak, for the plain-SIMD and relaxed-SIMD
// builds side by side in one process (the machine is shared and noisy: compare ratios within
// one run, not across runs).
//
//   npm run build && npx asc assembly/index.ts --target relaxed && node bench/gemm.mjs
//
// Options: --sizes=128,256  --runs=7 (median of that many samples)  --json=bench/results/gemm.json
//
// The kernel columns call the exported `gemm` directly, so they measure the kernel alone; the
// `plain matmul()` column goes through the public API of dist/simdgrad.js (init, tensors, matmul).
// Node 20 needs --experimental-wasm-relaxed-simd for the relaxed build: this script sets it itself.
import { readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { instantiateGemm, peakProbeCall } from './gemm-instance.mjs';
import { callsPerSample, median } from './timing.mjs';

// Node 20 validates relaxed-SIMD opcodes only behind this flag; it must be set before compiling.
setFlagsFromString('--experimental-wasm-relaxed-simd');

const options = parseOptions(process.argv.slice(2));
const SIZES = options.sizes ?? [128, 256, 512, 1024];
const RUNS = options.runs ?? 7;
const SAMPLE_SECONDS = 0.1;
const LAYOUTS = [
  { name: 'NN', transA: 0, transB: 0 },
  { name: 'NT', transA: 0, transB: 1 },
  { name: 'TN', transA: 1, transB: 0 },
];
const BUILDS = [
  { name: 'plain', file: 'build/simdgrad.wasm' },
  { name: 'relaxed', file: 'build/simdgrad-relaxed.wasm' },
];

const root = new URL('../', import.meta.url);
const builds = [];
for (const build of BUILDS) {
  const bytes = await readFile(new URL(build.file, root)).catch(() => null);
  if (!bytes) {
    console.log(`(skipping ${build.name}: ${build.file} is missing; build it with asc --target ${build.name === 'plain' ? 'release' : build.name})`);
    continue;
  }
  builds.push({ ...build, kernels: await instantiateGemm(bytes, Math.max(...SIZES) ** 2) });
}

// Every measurement takes one sample per round, round after round, so the load other processes
// put on the machine spreads evenly over all of them and the ratios stay meaningful.
const matmulCalls = await publicMatmulCalls(SIZES);
const measurements = [];
for (const build of builds) measurements.push({ key: ['peak', build.name], ...peakProbeCall(build.kernels) });
for (const n of SIZES) {
  for (const build of builds) {
    for (const layout of LAYOUTS) measurements.push({ key: ['gemm', `${build.name} ${layout.name} ${n}`], ...gemmCall(build.kernels, layout, n) });
  }
  if (matmulCalls[n]) measurements.push({ key: ['matmul', n], ...matmulCalls[n] });
}
for (const m of measurements) m.calls = callsPerSample(m.run, SAMPLE_SECONDS);
const rates = measurements.map(() => []);
for (let round = 0; round < RUNS; round++) {
  measurements.forEach((m, i) => rates[i].push(sample(m)));
}
const results = { date: new Date().toISOString(), node: process.version, runs: RUNS, peak: {}, gemm: {}, matmul: {} };
measurements.forEach((m, i) => {
  results[m.key[0]][m.key[1]] = median(rates[i]);
});

printTable(results);
if (options.json) {
  await writeFile(options.json, JSON.stringify(results, null, 2) + '\n');
  console.log(`\nwrote ${options.json}`);
}

function gemmCall(kernels, layout, n) {
  return { run: () => kernels.exports.gemm(layout.transA, layout.transB, n, n, n, kernels.a, kernels.b, kernels.c, 0), flops: 2 * n ** 3 };
}

// C = A·B through the library users call (plain build, inlined in the bundle).
async function publicMatmulCalls(sizes) {
  const lib = await import(new URL('dist/simdgrad.js', root).href).catch(() => null);
  if (!lib) return {};
  await lib.init();
  const calls = {};
  for (const n of sizes) {
    const a = lib.randn([n, n]);
    const b = lib.randn([n, n]);
    calls[n] = { run: () => lib.matmul(a, b).dispose(), flops: 2 * n ** 3 };
  }
  return calls;
}

function sample({ run, flops, calls }) {
  const start = performance.now();
  for (let i = 0; i < calls; i++) run();
  return (flops * calls) / ((performance.now() - start) / 1000) / 1e9;
}

function printTable({ peak, gemm, matmul }) {
  const names = builds.map((b) => b.name);
  console.log(`f32x4 peak (peakProbe: independent multiply and add chains; FMA chains in the relaxed build), GFLOP/s: ${names.map((b) => `${b} ${peak[b].toFixed(1)}`).join(', ')}`);
  console.log(`GEMM C[N,N] = op(A)·op(B), one thread, median of ${RUNS}; GFLOP/s (% of that build's peak)\n`);
  const header = ['N', ...names.flatMap((b) => LAYOUTS.map((l) => `${b} ${l.name}`))];
  if (names.length === 2) header.push('relaxed/plain');
  header.push('plain matmul()');
  const rows = [header];
  for (const n of SIZES) {
    const row = [String(n)];
    for (const b of names) for (const l of LAYOUTS) row.push(`${gemm[`${b} ${l.name} ${n}`].toFixed(1)} (${Math.round((100 * gemm[`${b} ${l.name} ${n}`]) / peak[b])}%)`);
    if (names.length === 2) row.push(`${speedup(gemm, n).toFixed(2)}x`);
    row.push(matmul[n] === undefined ? '-' : matmul[n].toFixed(1));
    rows.push(row);
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((cell, i) => cell.padStart(widths[i])).join('  '));
}

// Relaxed over plain, geometric mean over the layouts.
function speedup(gemm, n) {
  const ratios = LAYOUTS.map((l) => gemm[`relaxed ${l.name} ${n}`] / gemm[`plain ${l.name} ${n}`]);
  return Math.exp(ratios.reduce((sum, r) => sum + Math.log(r), 0) / ratios.length);
}

function parseOptions(args) {
  const out = {};
  for (const arg of args) {
    const [key, value] = arg.replace(/^--/, '').split('=');
    if (key === 'sizes') out.sizes = value.split(',').map(Number);
    else if (key === 'runs') out.runs = Number(value);
    else if (key === 'json') out.json = value;
    else throw new Error(`bench/gemm.mjs: unknown option ${arg}; use --sizes=128,256 --runs=7 --json=path`);
  }
  return out;
}
