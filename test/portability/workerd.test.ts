import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeReference } from './harness/cli-hosts.js';
import { expectLearnedXor, expectSameTrainingAs, type XorResult } from './harness/expect-learned.js';
import { kernelsInlinedInBundle } from './harness/inlined-kernels.js';
import { repoRoot, requireBuiltBundle } from './harness/paths.js';
import { startWorkerd, type Workerd } from './harness/workerd.js';

// workerd compiles no WebAssembly from bytes at run time, so a worker gets the kernels as a wasm
// module in its bundle and passes the Module to init({ wasm }). These are the very builds the
// bundle inlines (the first test checks it byte for byte).
const KERNELS = { simd: 'build/simdgrad.wasm', relaxed: 'build/simdgrad-relaxed.wasm' };
// One isolate each, since init() runs once per isolate; 'inlined' is asked to do without the Module.
const WORKERS = [
  { name: 'simd', kernels: KERNELS.simd },
  { name: 'relaxed', kernels: KERNELS.relaxed },
  { name: 'inlined', kernels: KERNELS.simd },
  { name: 'threads', kernels: KERNELS.simd },
] as const;
type WorkerName = (typeof WORKERS)[number]['name'];

describe('workerd (Cloudflare Workers) runs dist/simdgrad.js with init({ wasm: Module })', () => {
  let workerd: Workerd;
  let reference: XorResult;
  beforeAll(async () => {
    requireBuiltBundle();
    [workerd, reference] = await Promise.all([startWorkerd(WORKERS), nodeReference()]);
  });
  afterAll(() => workerd?.stop());

  async function request(worker: WorkerName, query = ''): Promise<Response> {
    return fetch(`${workerd.urls[worker]}${query}`, { signal: AbortSignal.timeout(30_000) });
  }

  async function trainXorInWorker(worker: WorkerName, query = ''): Promise<XorResult> {
    const response = await request(worker, query);
    const body = await response.text();
    if (!response.ok) throw new Error(`worker '${worker}' answered ${response.status}:\n${body}\n--- workerd\n${workerd.log()}`);
    return JSON.parse(body) as XorResult;
  }

  it('is given the same kernels the bundle inlines, byte for byte', () => {
    const inlined = kernelsInlinedInBundle();
    // The two builds and their two threads builds (in a chunk of their own, loaded only for threads).
    expect(inlined).toHaveLength(4);
    for (const file of Object.values(KERNELS)) expect(inlined.some((bytes) => bytes.equals(readFileSync(join(repoRoot, file))))).toBe(true);
  });

  it('learns XOR with the plain SIMD build passed as a Module, as Node does, and frees every tensor', async () => {
    const result = await trainXorInWorker('simd');
    expect(result.build).toBe('custom');
    expectLearnedXor(result);
    expectSameTrainingAs(result, reference);
  });

  it('learns XOR with the relaxed-SIMD build passed as a Module (workerd has relaxed SIMD)', async () => {
    const result = await trainXorInWorker('relaxed');
    expect(result.relaxedSimd).toBe(true);
    expectLearnedXor(result);
  });

  it('cannot compile the inlined kernels: init() without { wasm } fails there, saying to pass the Module', async () => {
    const response = await request('inlined', '?kernels=inlined');
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).toMatch(/init\(\): this runtime refuses to compile WebAssembly from bytes .* pass init\(\{ wasm: module \}\)/);
    expect(text).toMatch(/WebAssembly\.compile\(\): Wasm code generation disallowed by embedder/);
  });

  it('runs one thread when asked for two, says why, and learns XOR as Node does', async () => {
    const result = (await trainXorInWorker('threads', '?threads=2')) as XorResult & { threads: number; warnings: string[] };
    expect(result.threads).toBe(1);
    expect(result.warnings).toEqual(['simdgrad: init({ threads: 2 }): running on one thread: this runtime has no Worker threads (Cloudflare Workers/workerd have none).']);
    expectLearnedXor(result);
    expectSameTrainingAs(result, reference);
  });
});
