// What a cut of C into row parts costs, measured on one thread in CPU time, and the speed-up it
// predicts on T threads with T free cores: where a shared machine's neighbours decide
// wall-clock thread ratios, this shows what the cut itself costs. For C[N,N] = A·B:
// the whole product (gemm), then each part (gemmPart) with B packed by every part again, and
// with one packing of B shared by the parts (gemmSharedBBytes, gemmSharedBReset). The prediction
// hands the parts out as ThreadPool.run does (last part first, each to the thread free first),
// the shared packing split evenly.
//
//   npx asc assembly/index.ts --target release && node bench/gemm-parts.mjs [--n=1024] [--chunks=150,174,516] [--threads=2] [--rounds=15]
//   (--build=relaxed measures build/simdgrad-relaxed.wasm; Node 20 then needs --experimental-wasm-relaxed-simd before the script)
//
// partsOf(1024, 1024, 1024, 2) in src/backend/threads/parallel-gemm.ts cuts 174 rows; the cut
// before it was 150 rows, each part packing B itself.
import { readFile } from 'node:fs/promises';

const options = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')));
const N = Number(options.n ?? 1024);
const CHUNKS = (options.chunks ?? '150,174,516').split(',').map(Number);
const THREADS = Number(options.threads ?? 2);
const ROUNDS = Number(options.rounds ?? 15);
const BUILD = options.build ?? 'plain';
const FILES = { plain: 'build/simdgrad.wasm', relaxed: 'build/simdgrad-relaxed.wasm' };

const k = await instantiate(await readFile(new URL(`../${FILES[BUILD]}`, import.meta.url)));
const whole = [];
const cuts = CHUNKS.flatMap((chunk) => [false, true].map((shared) => ({ chunk, shared, begins: beginsOf(chunk), parts: beginsOf(chunk).map(() => []), packing: [] })));
for (let round = 0; round < ROUNDS; round++) {
  whole.push(cpuMs(() => k.exports.gemm(0, 0, N, N, N, k.a, k.b, k.c, 0)));
  for (const cut of cuts) {
    const sharedB = cut.shared ? k.shared : 0;
    if (cut.shared) {
      k.exports.gemmSharedBReset(sharedB, N, N);
      // An empty part packs every block of B into the shared area and computes nothing.
      cut.packing.push(cpuMs(() => part(sharedB, 0, 0)));
    }
    cut.begins.forEach((begin, i) => cut.parts[i].push(cpuMs(() => part(sharedB, begin, Math.min(begin + cut.chunk, N)))));
  }
}
const wholeMs = median(whole);
console.log(`C[${N},${N}] = A·B, ${BUILD} build, one thread, CPU time (median of ${ROUNDS}); whole product ${wholeMs.toFixed(2)} ms\n`);
for (const cut of cuts) {
  const parts = cut.parts.map(median);
  const packing = cut.shared ? median(cut.packing) : 0;
  const busy = new Array(THREADS).fill(packing / THREADS);
  for (const ms of parts) busy[busy.indexOf(Math.min(...busy))] += ms;
  const work = parts.reduce((sum, ms) => sum + ms, packing);
  console.log(
    `${String(cut.chunk).padStart(4)}-row parts, ${cut.shared ? 'B packed once, shared' : 'each part packs B   '}: ` +
      `work ${work.toFixed(2)} ms (${((100 * work) / wholeMs - 100).toFixed(1)} % over the whole), slowest of ${THREADS} threads ${Math.max(...busy).toFixed(2)} ms, ` +
      `predicted ${THREADS}t/1t ${(wholeMs / Math.max(...busy)).toFixed(2)}x`,
  );
}

function part(sharedB, begin, end) {
  k.exports.gemmPart(0, 0, N, N, N, k.a, k.b, k.c, 0, 0, 0, 0, 0, sharedB, begin, end);
}

// Part starts in the order ThreadPool.run hands them out: the last (shorter) part first.
function beginsOf(chunk) {
  const begins = [];
  for (let begin = Math.floor((N - 1) / chunk) * chunk; begin >= 0; begin -= chunk) begins.push(begin);
  return begins;
}

async function instantiate(bytes) {
  const memory = new WebAssembly.Memory({ initial: 32 });
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory, abort: () => { throw new Error('kernel aborted'); }, seed: () => 1 } });
  const exports = instance.exports;
  const align = (x) => Math.ceil(x / 64) * 64;
  const scratch = align(exports.heapBase());
  const a = align(scratch + exports.gemmScratchBytes());
  const b = a + align(4 * N * N);
  const c = b + align(4 * N * N);
  const shared = c + align(4 * N * N);
  const end = shared + exports.gemmSharedBBytes(N, N);
  memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
  exports.setGemmScratch(scratch);
  const values = new Float32Array(memory.buffer, a, 2 * N * N);
  for (let i = 0; i < values.length; i++) values[i] = Math.sin(i) * 0.5;
  return { exports, a, b, c, shared };
}

function cpuMs(run) {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[sorted.length >> 1];
}
