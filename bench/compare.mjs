// simdgrad side by side with TensorFlow.js (wasm and cpu backends), ConvNetJS and PyTorch on the
// standard workloads (docs/workloads.md), single-threaded, in one run:
//
//   npm run bench:compare            (builds dist/ first)
//   node bench/compare.mjs --only=W2,W4 --systems=simdgrad,tfjs-wasm
//   npm run bench:compare -- --threads 2 --only=W1-1024,W2,W3,W4 --systems=simdgrad,simdgrad-relaxed,pytorch
//                                    (adds each of those on 2 threads, simdgrad's 2-thread
//                                    figures over PyTorch's, the 2-thread / 1-thread ratios,
//                                    each workload's serial fraction and Amdahl's projection)
//
// Each system runs in its own process; the run goes workload by workload and, within one, system
// by system, so the load other processes put on the machine falls on all of them alike. Compare
// ratios within one run, not figures across runs. Writes bench/results/compare-<date>.json.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { nodeChannel } from './channel.mjs';
import { loadPeakProbe } from './peak.mjs';
import { pytorchChannel } from './systems/pytorch.mjs';
import { RULE, measure } from './timing.mjs';
import { TASKS, figure } from './workloads.mjs';

const NODE_SYSTEMS = ['simdgrad', 'simdgrad-relaxed', 'simdgrad-threads', 'simdgrad-relaxed-threads', 'tfjs-wasm', 'tfjs-cpu', 'convnetjs'];
const REFERENCE = 'simdgrad';
// simdgrad's other build: compared with the plain build (relaxed÷plain), not with the others.
const RELAXED = 'simdgrad-relaxed';
// Node 20 validates relaxed-SIMD opcodes only behind this flag; later versions run them by default.
const RELAXED_FLAGS = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];
const MEMORY_TASK = { ...TASKS.find((t) => t.id === 'W4'), steps: 3 };
// A system whose single step outlasts this is stopped and shown as "below" that rate.
const STEP_DEADLINE_SECONDS = 60;
// Longer reasons for a missing figure go below the table as numbered notes.
const MAX_CELL_WIDTH = 40;

const options = parseOptions(process.argv.slice(2));
const tasks = options.only ? TASKS.filter((t) => options.only.split(',').some((id) => t.id.startsWith(id))) : TASKS;
// --threads N: simdgrad and PyTorch again on N threads, next to their one-thread columns.
const threads = options.threads === undefined ? 1 : Number(options.threads);
if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`bench: --threads must be a whole number >= 1, got ${options.threads}`);
const THREADED = { simdgrad: 'simdgrad-threads', 'simdgrad-relaxed': 'simdgrad-relaxed-threads', pytorch: 'pytorch-threads' };
// Core counts for which the thread table projects a speed-up (Amdahl's law).
const PROJECTED_CORES = [4, 8, 16];
const chosen = options.systems ? options.systems.split(',') : [...NODE_SYSTEMS.filter((name) => !Object.values(THREADED).includes(name)), 'pytorch'];
const systemNames = threads > 1 ? chosen.flatMap((name) => (THREADED[name] ? [name, THREADED[name]] : [name])) : chosen;
const unknown = systemNames.filter((name) => !['pytorch', 'pytorch-threads'].includes(name) && !NODE_SYSTEMS.includes(name));
if (unknown.length > 0) throw new Error(`bench: unknown system ${unknown.join(', ')}; choose from ${[...NODE_SYSTEMS, 'pytorch'].join(', ')}`);
// The threaded systems' processes read their thread count from here.
process.env.SIMDGRAD_BENCH_THREADS = String(threads);

const systems = await Promise.all(systemNames.map(startSystem));
const probe = await loadPeakProbe();
const peakRuns = [peakGflops()];
const results = {};
for (const task of tasks) {
  results[task.id] = {};
  for (const system of systems) {
    const cell = await runCell(system, task);
    results[task.id][system.name] = cell;
    console.log(`  ${task.label.padEnd(24)} ${system.name.padEnd(10)} ${formatCell(cell)}`);
  }
}
peakRuns.push(peakGflops());
const wasmMemory = systemNames.includes(REFERENCE) ? await simdgradMemory() : null;
for (const system of systems) system.channel?.close();

const report = buildReport();
console.log(`\n${renderReport(report)}`);
const file = new URL(`results/compare-${report.date.slice(0, 10)}.json`, import.meta.url);
await mkdir(new URL('results/', import.meta.url), { recursive: true });
await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwrote bench/results/compare-${report.date.slice(0, 10)}.json`);

async function startSystem(name) {
  const system = { name };
  await connect(system);
  if (system.notes) console.log(`${name}: ${system.notes}`);
  return system;
}

// (Re)starts the system's process; a process that was stopped mid-cell is replaced for the next.
async function connect(system) {
  const channel = system.name === 'pytorch' ? pytorchChannel(1) : system.name === 'pytorch-threads' ? pytorchChannel(threads) : nodeChannel(system.name, system.name === RELAXED || system.name === THREADED[RELAXED] ? RELAXED_FLAGS : []);
  if (channel.unavailable) {
    system.unavailable = channel.unavailable;
    return;
  }
  const answer = await channel.request({ kind: 'setup' }).catch((error) => ({ error: error.message }));
  if (answer.error) {
    channel.close();
    system.unavailable = `setup failed: ${answer.error}`;
    return;
  }
  system.channel = channel;
  system.notes = answer.result.notes;
}

async function runCell(system, task) {
  if (!system.channel && !system.unavailable) await connect(system);
  if (system.unavailable) return { why: system.unavailable };
  try {
    const first = await system.channel.request({ kind: 'firstStep', task }, STEP_DEADLINE_SECONDS);
    if (first.error) return { why: first.error };
    const answer = await system.channel.request({ kind: 'measure', rule: RULE });
    if (answer.error) return { why: answer.error };
    return { value: figure(task, answer.result.seconds), ...answer.result };
  } catch (error) {
    system.channel.close();
    system.channel = null;
    if (!error.timedOut) return { why: error.message };
    return { why: `one step takes over ${STEP_DEADLINE_SECONDS} s (stopped)`, below: figure(task, STEP_DEADLINE_SECONDS) };
  }
}

function peakGflops() {
  return probe.flops / measure(probe.step).seconds / 1e9;
}

// Memory only grows, so its size after a few steps in a fresh process is the peak of training.
async function simdgradMemory() {
  const channel = nodeChannel(REFERENCE);
  try {
    const answer = await channel.request({ kind: 'setup' }).then(() => channel.request({ kind: 'wasmMemoryDuringTraining', task: MEMORY_TASK }));
    return answer.error ? { why: answer.error } : answer.result;
  } catch (error) {
    return { why: error.message };
  } finally {
    channel.close();
  }
}

function buildReport() {
  const peak = Math.max(...peakRuns);
  const rows = tasks.map((task) => {
    const cells = results[task.id];
    const reference = cells[REFERENCE]?.value;
    const ratios = Object.fromEntries(competitors().map((name) => [name, reference && cells[name].value ? reference / cells[name].value : null]));
    const relaxed = cells[RELAXED]?.value;
    const relaxedOverPlain = relaxed && reference ? relaxed / reference : undefined;
    const ofPeak = task.workload === 'W1' && reference ? reference / peak : undefined;
    const relaxedOfPeak = task.workload === 'W1' && relaxed ? relaxed / peak : undefined;
    const torchThreaded = cells[THREADED.pytorch]?.value;
    const threadedRatios = Object.fromEntries([REFERENCE, RELAXED].map((name) => [name, torchThreaded && cells[THREADED[name]]?.value ? cells[THREADED[name]].value / torchThreaded : null]));
    return { id: task.id, label: task.label, unit: task.unit, systems: cells, ratios, threadedRatios, relaxedOverPlain, fractionOfPeak: ofPeak, relaxedFractionOfPeak: relaxedOfPeak, threads: threadScaling(cells) };
  });
  return {
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version },
    rule: RULE,
    systems: Object.fromEntries(systems.map((s) => [s.name, s.unavailable ? { unavailable: s.unavailable } : { notes: s.notes }])),
    peak: { source: probe.source, gflopsPerRun: peakRuns, gflops: peak },
    rows,
    simdgradWasmMemoryTrainingW4: wasmMemory,
  };
}

function competitors() {
  return systems.map((s) => s.name).filter((name) => name !== REFERENCE && name !== RELAXED && !Object.values(THREADED).includes(name));
}

// For simdgrad and PyTorch on `threads` threads: the speed-up over one thread, the serial fraction
// f and what Amdahl's law (speed-up = 1 / (f + (1 - f) / cores)) projects from it for more cores.
// simdgrad's f is measured: the time per step outside the kernel calls split over the threads,
// over its one-thread step time. PyTorch's is only implied by its speed-up.
function threadScaling(cells) {
  if (threads === 1) return undefined;
  return Object.fromEntries(
    Object.entries(THREADED).map(([one, many]) => {
      const [single, multi] = [cells[one], cells[many]];
      if (!single?.value || !multi?.value) return [one, null];
      const speedup = multi.value / single.value;
      const measured = multi.parallelSecondsPerStep !== undefined;
      const serialSeconds = measured ? Math.max(0, multi.stepSecondsMean - multi.parallelSecondsPerStep) : undefined;
      const serialFraction = measured ? Math.min(1, serialSeconds / single.seconds) : Math.min(1, Math.max(0, (threads / speedup - 1) / (threads - 1)));
      const projected = Object.fromEntries(PROJECTED_CORES.map((cores) => [cores, 1 / (serialFraction + (1 - serialFraction) / cores)]));
      return [one, { speedup, serialFraction, serialFractionMeasured: measured, serialSecondsPerStep: serialSeconds, parallelTasksPerStep: multi.parallelTasksPerStep, projected }];
    }),
  );
}

function threadLines(report) {
  if (threads === 1) return [];
  const header = ['workload', 'system', `${threads}t / 1t`, 'serial ms/step', 'split calls/step', 'serial fraction', ...PROJECTED_CORES.map((c) => `${c} cores`)];
  const present = Object.keys(THREADED).filter((name) => systems.some((s) => s.name === THREADED[name]));
  const rows = report.rows.flatMap((row) =>
    present.map((name) => {
      const s = row.threads[name];
      if (!s) return [row.label, name, '-', '', '', '', ...PROJECTED_CORES.map(() => '')];
      return [
        row.label, name, `${s.speedup.toFixed(2)}x`, s.serialFractionMeasured ? (1000 * s.serialSecondsPerStep).toFixed(3) : '',
        s.serialFractionMeasured ? s.parallelTasksPerStep.toFixed(0) : '', `${s.serialFraction.toFixed(3)}${s.serialFractionMeasured ? '' : ' (implied)'}`,
        ...PROJECTED_CORES.map((c) => `${s.projected[c].toFixed(1)}x`),
      ];
    }),
  );
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i].length)));
  const line = (r) => r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [
    '',
    `${threads} threads against 1, and Amdahl's law's projection for more cores from the serial fraction:`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    "serial ms/step: simdgrad's time per step outside the kernel calls it splits over the threads (threadActivity());",
    'serial fraction: that over its one-thread step; PyTorch\'s (implied) is what its speed-up gives by Amdahl\'s law.',
  ];
}

function parseOptions(args) {
  const parsed = {};
  for (let i = 0; i < args.length; i++) {
    const [key, value] = args[i].replace(/^--/, '').split('=');
    parsed[key] = value ?? (args[i + 1] !== undefined && !args[i + 1].startsWith('--') ? args[++i] : 'true');
  }
  return parsed;
}

function renderReport(report) {
  const others = competitors();
  const hasReference = systems.some((s) => s.name === REFERENCE);
  const hasRelaxed = hasReference && systems.some((s) => s.name === RELAXED);
  // simdgrad's threaded builds against PyTorch on as many threads.
  const threadedAgainstTorch = systems.some((s) => s.name === THREADED.pytorch) ? [REFERENCE, RELAXED].filter((name) => systems.some((s) => s.name === THREADED[name])) : [];
  const header = [
    'workload (unit)', ...systems.map((s) => (Object.values(THREADED).includes(s.name) ? `${s.name.replace('-threads', '')} ${threads}t` : s.name)), ...(hasReference ? others.map((o) => `÷${o}`) : []),
    ...threadedAgainstTorch.map((name) => `${name} ${threads}t÷pytorch ${threads}t`),
    ...(hasRelaxed ? ['relaxed÷plain'] : []), ...(hasReference ? ['% of peak'] : []),
  ];
  const table = [header];
  const footnotes = [];
  const cellText = (cell) => {
    const text = formatCell(cell);
    if (text.length <= MAX_CELL_WIDTH) return text;
    if (!footnotes.includes(text)) footnotes.push(text);
    return `n/a [${footnotes.indexOf(text) + 1}]`;
  };
  for (const row of report.rows) {
    table.push([
      `${row.label} (${row.unit})`,
      ...systems.map((s) => cellText(row.systems[s.name])),
      ...(hasReference ? others.map((o) => (row.ratios[o] == null ? '-' : `${row.ratios[o].toFixed(2)}x`)) : []),
      ...threadedAgainstTorch.map((name) => (row.threadedRatios[name] == null ? '-' : `${row.threadedRatios[name].toFixed(2)}x`)),
      ...(hasRelaxed ? [row.relaxedOverPlain === undefined ? '-' : `${row.relaxedOverPlain.toFixed(2)}x`] : []),
      ...(hasReference ? [peakText(row)] : []),
    ]);
  }
  const widths = header.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  const lines = table.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  footnotes.forEach((text, i) => lines.push(`[${i + 1}] ${text}`));
  lines.push(...threadLines(report));
  lines.push('');
  if (hasReference) lines.push(`'÷system' columns: ${REFERENCE}'s figure divided by that system's (above 1: ${REFERENCE} is faster).`);
  lines.push(`Timing: ${RULE.warmupSteps} warm-up steps, then the median of >= ${RULE.timedSteps} steps and >= ${RULE.minTimedSeconds} s of work, one thread${threads > 1 ? ` (but the '${threads}t' columns)` : ''};`);
  lines.push(`bounded to ${RULE.warmupBudgetSeconds} s of warm-up and ${RULE.timedBudgetSeconds} s of timed steps per cell: [n=K] marks a median of only K steps.`);
  const runs = report.peak.gflopsPerRun.map((g) => g.toFixed(1)).join(' and ');
  lines.push(`f32x4 mul+add peak: ${report.peak.gflops.toFixed(1)} GFLOP/s (best of ${runs}, at the start and end; ${report.peak.source}); '% of peak' is simdgrad's GEMM against it (plain / relaxed build).`);
  const mem = report.simdgradWasmMemoryTrainingW4;
  if (mem) {
    lines.push(mem.why
      ? `simdgrad wasm memory training W4: ${mem.why}`
      : `simdgrad peak wasm memory training W4 at batch 32: ${mib(mem.wasmBytes)} (${mib(mem.wasmBytesAfterInit)} after init; ${mib(mem.liveBytesBetweenSteps)} live between steps; fresh process, ${mem.steps} steps)`);
  }
  for (const s of systems) lines.push(`${s.name}: ${s.unavailable ?? s.notes}`);
  lines.push(`'< X [step > ${STEP_DEADLINE_SECONDS} s]': no single step finished within ${STEP_DEADLINE_SECONDS} s, so the rate is below X; the process was stopped.`);
  return lines.join('\n');
}

function peakText(row) {
  if (row.fractionOfPeak === undefined) return '';
  const percent = (fraction) => `${(100 * fraction).toFixed(0)}%`;
  return row.relaxedFractionOfPeak === undefined ? percent(row.fractionOfPeak) : `${percent(row.fractionOfPeak)} / ${percent(row.relaxedFractionOfPeak)}`;
}

function formatCell(cell) {
  if (cell?.below !== undefined) return `< ${cell.below.toPrecision(2)} [step > ${STEP_DEADLINE_SECONDS} s]`;
  if (!cell || cell.value === undefined) return cell?.why ?? '-';
  const digits = cell.value >= 100 ? 0 : 1;
  const steps = cell.timedSteps < RULE.timedSteps ? ` [n=${cell.timedSteps}]` : '';
  return `${cell.value.toFixed(digits)}${steps}`;
}

function mib(bytes) {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
