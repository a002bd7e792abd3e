// Micro-benchmarks of every kernel family through the public API of dist/simdgrad.js, timed by
// benchmark.js, one thread:
//
//   npm run bench                                   (builds dist/ first)
//   node bench/kernels.mjs --build relaxed-simd --filter conv2d
//
// --build simd|relaxed-simd|auto picks the kernels init() loads (default auto: relaxed SIMD where
// the runtime has it, which Node 20 has only behind --experimental-wasm-relaxed-simd: asking for
// relaxed-simd there re-runs this script with that flag). --filter keeps the cases whose family,
// kernel or shape contains the text (case-insensitive). The machine may be shared and noisy: compare
// rows of one run, not figures across runs.
import Benchmark from 'benchmark';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { kernelCases } from './kernels/cases.mjs';
import { peakGflops } from './kernels/peak.mjs';

// Per case: at least MIN_SAMPLES samples and about MAX_TIME_SECONDS of them, so that a full run
// (36 cases) stays under three minutes.
const MAX_TIME_SECONDS = 2.5;
const MIN_SAMPLES = 5;
const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';
const BUILDS = ['auto', 'simd', 'relaxed-simd'];

const options = parseOptions(process.argv.slice(2));
const lib = await import('../dist/simdgrad.js').catch(() => {
  throw new Error('bench/kernels.mjs: dist/simdgrad.js is missing; run `npm run build` first (or `npm run bench`).');
});
if (options.build === 'relaxed-simd' && !lib.hasRelaxedSimd() && !process.execArgv.includes(RELAXED_FLAG)) {
  process.exit(rerunWithRelaxedSimd());
}
await lib.init({ build: options.build });

const cases = kernelCases(lib).filter((c) => matches(c, options.filter));
if (cases.length === 0) throw new Error(`bench/kernels.mjs: no case matches --filter ${options.filter}; try gemm, conv2d, pool, crossEntropy, Adam, relu or add.`);
const build = lib.kernelBuild();
const peak = await peakGflops(build);
console.log(`simdgrad kernels, build ${build} (asked: ${options.build}), Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}`);
console.log(`f32x4 peak of this build: ${peak.toFixed(1)} GFLOP/s; benchmark.js: >= ${MIN_SAMPLES} samples, ~${MAX_TIME_SECONDS} s per case\n`);

const table = tablePrinter(cases);
const means = new Map();
const started = performance.now();
let family = null;
let derivedRows = 0;
for (const c of cases) {
  if (c.family !== family) table.heading((family = c.family));
  const stats = lib.tidy(() => measureCase(c));
  means.set(key(c.kernel, c.shape), stats);
  table.row(c, stats);
  const forward = c.derived && means.get(key(c.derived.minus, c.shape));
  if (forward) {
    table.row({ ...c, ...c.derived }, difference(stats, forward));
    derivedRows++;
  }
}
console.log('');
if (derivedRows > 0) console.log('≈ rows: the fwd+bwd row above minus the forward row (margins of error combined).');
if (cases.some((c) => c.work.flops)) console.log('GFLOP/s: GEMM does 2·N³ flops; conv2d 2·N·O·outH·outW·C·kh·kw per pass (forward, backward-input, backward-weight).');
if (cases.some((c) => c.work.bytes)) console.log('GB/s: every f32 tensor the op needs counted as read or written once.');
if (cases.some((c) => c.work.elements)) console.log('elements/s: logits per second.');
console.log(`${cases.length} cases in ${((performance.now() - started) / 1000).toFixed(0)} s.`);

// Inside the caller's tidy(): the case's operands are freed once it is measured.
function measureCase(c) {
  const bench = new Benchmark(`${c.kernel} ${c.shape}`, c.prepare(), { maxTime: MAX_TIME_SECONDS, minSamples: MIN_SAMPLES });
  bench.run({ async: false });
  if (bench.error) throw bench.error;
  return { mean: bench.stats.mean, moe: bench.stats.moe, samples: bench.stats.sample.length };
}

// The margins of error of the two means add in quadrature.
function difference(total, part) {
  return { mean: total.mean - part.mean, moe: Math.hypot(total.moe, part.moe), samples: Math.min(total.samples, part.samples) };
}

function tablePrinter(all) {
  const columns = [
    { title: 'kernel', width: Math.max(...all.map((c) => Math.max(c.kernel.length, c.derived?.kernel.length ?? 0))), left: true },
    { title: 'shape', width: Math.max(...all.map((c) => c.shape.length)), left: true },
    { title: 'mean', width: 9 },
    { title: '±rme', width: 7 },
    { title: 'samples', width: 7 },
    { title: 'throughput', width: 26, left: true },
  ];
  const line = (cells) => console.log(cells.map((cell, i) => (columns[i].left ? cell.padEnd(columns[i].width) : cell.padStart(columns[i].width))).join('  ').trimEnd());
  line(columns.map((column) => column.title));
  return {
    heading: (name) => console.log(`-- ${name}`),
    row: (c, { mean, moe, samples }) => line([c.kernel, c.shape, duration(mean), `${((100 * moe) / Math.abs(mean)).toFixed(1)}%`, String(samples), throughput(c.work, mean)]),
  };
}

function throughput(work, seconds) {
  if (!(seconds > 0)) return '-';
  if (work.flops) {
    const gflops = work.flops / seconds / 1e9;
    return `${gflops.toFixed(1)} GFLOP/s (${Math.round((100 * gflops) / peak)}% of peak)`;
  }
  if (work.bytes) return `${(work.bytes / seconds / 1e9).toFixed(1)} GB/s`;
  return `${(work.elements / seconds / 1e6).toFixed(0)} M elements/s`;
}

function duration(seconds) {
  const magnitude = Math.abs(seconds);
  if (magnitude >= 1) return `${seconds.toFixed(2)} s`;
  if (magnitude >= 1e-3) return `${(seconds * 1e3).toFixed(2)} ms`;
  return `${(seconds * 1e6).toFixed(1)} µs`;
}

function key(kernel, shape) {
  return `${kernel} @ ${shape}`;
}

function matches(c, filter) {
  return !filter || `${c.family} ${c.kernel} ${c.shape}`.toLowerCase().includes(filter.toLowerCase());
}

function rerunWithRelaxedSimd() {
  const child = spawnSync(process.execPath, [...process.execArgv, RELAXED_FLAG, ...process.argv.slice(1)], { stdio: 'inherit' });
  return child.status ?? 1;
}

function parseOptions(args) {
  const out = { build: 'auto', filter: '' };
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].split('=', 2);
    const value = inline ?? args[++i];
    if (name === '--build' && BUILDS.includes(value)) out.build = value;
    else if (name === '--filter' && value !== undefined) out.filter = value;
    else throw new Error(`bench/kernels.mjs: bad option ${args.slice(i - (inline === undefined ? 1 : 0), i + 1).join(' ')}; use --build ${BUILDS.join('|')} and --filter <text>.`);
  }
  return out;
}
