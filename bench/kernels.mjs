// Micro-benchmarks of every kernel family through the public API of dist/simdgrad.js, timed by
// benchmark.js, one thread:
//
//   npm run bench                                   (builds dist/ first)
//   node bench/kernels.mjs --build relaxed-simd --filter conv2d
//   node bench/kernels.mjs --filter pool --baseline /tmp/main/dist/simdgrad.js
//
// --build simd|relaxed-simd|auto picks the kernels init() loads (default auto: relaxed SIMD where
// the runtime has it, which Node 20 has only behind --experimental-wasm-relaxed-simd: asking for
// relaxed-simd there re-runs this script with that flag). --filter keeps the cases whose family,
// kernel or shape contains the text (case-insensitive). The machine may be shared and noisy: compare
// rows of one run, not figures across runs. --baseline loads another build of the bundle (say
// main's, built into a copy elsewhere) and times every case on it just before this one, adding
// a column of speed-ups: baseline time / this build's time.
import Benchmark from 'benchmark';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { kernelCases } from './kernels/cases.mjs';
import { peakGflops } from './kernels/peak.mjs';

// Per case: at least MIN_SAMPLES samples and about MAX_TIME_SECONDS of them, so that a full run
// (44 cases) stays under four minutes, twice that with a baseline.
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
const baseline = options.baseline && (await loadBaseline(options.baseline, options.build));

const cases = kernelCases(lib).filter((c) => matches(c, options.filter));
const baselineCases = baseline && kernelCases(baseline).filter((c) => matches(c, options.filter));
if (cases.length === 0) throw new Error(`bench/kernels.mjs: no case matches --filter ${options.filter}; try gemm, conv2d, pool, crossEntropy, Adam, relu or add.`);
const build = lib.kernelBuild();
const peak = await peakGflops(build);
console.log(`simdgrad kernels, build ${build} (asked: ${options.build}), Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}`);
console.log(`f32x4 peak of this build: ${peak.toFixed(1)} GFLOP/s; benchmark.js: >= ${MIN_SAMPLES} samples, ~${MAX_TIME_SECONDS} s per case`);
if (baseline) console.log(`baseline: ${options.baseline}, build ${baseline.kernelBuild()}`);
console.log('');

const table = tablePrinter(cases, Boolean(baseline));
const means = new Map();
const baselineMeans = new Map();
const started = performance.now();
let family = null;
let derivedRows = 0;
cases.forEach((c, i) => {
  if (c.family !== family) table.heading((family = c.family));
  const before = baseline && baseline.tidy(() => measureCase(baselineCases[i]));
  const stats = lib.tidy(() => measureCase(c));
  means.set(key(c.kernel, c.shape), stats);
  if (before) baselineMeans.set(key(c.kernel, c.shape), before);
  table.row(c, stats, before);
  const forward = c.derived && means.get(key(c.derived.minus, c.shape));
  if (forward) {
    const baselineForward = before && baselineMeans.get(key(c.derived.minus, c.shape));
    table.row({ ...c, ...c.derived }, difference(stats, forward), before && difference(before, baselineForward));
    derivedRows++;
  }
});
console.log('');
if (derivedRows > 0) console.log('≈ rows: the fwd+bwd row above minus the forward row (margins of error combined).');
if (cases.some((c) => c.work.flops)) console.log('GFLOP/s: GEMM does 2·N³ flops; conv2d 2·N·O·outH·outW·C·kh·kw per pass (forward, backward-input, backward-weight).');
if (cases.some((c) => c.work.bytes)) console.log('GB/s: every f32 tensor the op needs counted as read or written once.');
if (cases.some((c) => c.work.elements)) console.log('elements/s: logits per second.');
if (baseline) console.log('vs baseline: the baseline build\'s mean time over this build\'s (above 1: this build is faster).');
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

function tablePrinter(all, withBaseline) {
  const columns = [
    { title: 'kernel', width: Math.max(...all.map((c) => Math.max(c.kernel.length, c.derived?.kernel.length ?? 0))), left: true },
    { title: 'shape', width: Math.max(...all.map((c) => c.shape.length)), left: true },
    { title: 'mean', width: 9 },
    { title: '±rme', width: 7 },
    { title: 'samples', width: 7 },
    { title: 'throughput', width: 26, left: true },
    ...(withBaseline ? [{ title: 'vs baseline', width: 11 }] : []),
  ];
  const line = (cells) => console.log(cells.map((cell, i) => (columns[i].left ? cell.padEnd(columns[i].width) : cell.padStart(columns[i].width))).join('  ').trimEnd());
  line(columns.map((column) => column.title));
  return {
    heading: (name) => console.log(`-- ${name}`),
    row: (c, { mean, moe, samples }, before) => {
      const cells = [c.kernel, c.shape, duration(mean), `${((100 * moe) / Math.abs(mean)).toFixed(1)}%`, String(samples), throughput(c.work, mean)];
      line(before ? [...cells, `${(before.mean / mean).toFixed(2)}x`] : cells);
    },
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

async function loadBaseline(path, build) {
  const other = await import(pathToFileURL(resolve(path)).href).catch((error) => {
    throw new Error(`bench/kernels.mjs: --baseline ${path} does not load (${error.message}); pass the simdgrad.js of another build's dist/.`);
  });
  await other.init({ build });
  return other;
}

function rerunWithRelaxedSimd() {
  const child = spawnSync(process.execPath, [...process.execArgv, RELAXED_FLAG, ...process.argv.slice(1)], { stdio: 'inherit' });
  return child.status ?? 1;
}

function parseOptions(args) {
  const out = { build: 'auto', filter: '', baseline: '' };
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].split('=', 2);
    const value = inline ?? args[++i];
    if (name === '--build' && BUILDS.includes(value)) out.build = value;
    else if (name === '--filter' && value !== undefined) out.filter = value;
    else if (name === '--baseline' && value !== undefined) out.baseline = value;
    else throw new Error(`bench/kernels.mjs: bad option ${args.slice(i - (inline === undefined ? 1 : 0), i + 1).join(' ')}; use --build ${BUILDS.join('|')}, --filter <text> and --baseline <another dist/simdgrad.js>.`);
  }
  return out;
}
