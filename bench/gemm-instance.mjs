// A kernels instance of its own for the GEMM benchmarks (bench/gemm.mjs, bench/gemm-versus.mjs):
// its own memory with the packing scratch, then A, B and C of `floats` floats each, filled with
// values in [-1, 1), and the four operands peakProbe reads.

/** Instantiates the kernels `bytes` and lays out A, B and C for products of up to `floats` floats per operand. */
export async function instantiateGemm(bytes, floats) {
  const memory = new WebAssembly.Memory({ initial: 32 });
  const { instance } = await WebAssembly.instantiate(bytes, {
    env: { memory, abort: () => { throw new Error('kernel aborted'); }, seed: () => 1 },
  });
  const k = instance.exports;
  const align = (x) => Math.ceil(x / 64) * 64;
  const scratch = align(k.heapBase());
  const a = align(scratch + k.gemmScratchBytes());
  const b = a + align(4 * floats);
  const c = b + align(4 * floats);
  const operands = c + align(4 * floats);
  const end = operands + 64;
  memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
  k.setGemmScratch(scratch);
  const values = new Float32Array(memory.buffer);
  values.set([1, 1, 1, 1, 0, 0, 0, 0], operands / 4);
  let state = 12345;
  for (let i = a / 4; i < operands / 4; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    values[i] = state / 2 ** 31 - 1;
  }
  return { exports: k, a, b, c, operands };
}

/** The module's f32x4 multiply-add peak probe as a timed call: `flops` per run. */
export function peakProbeCall(kernels) {
  const iterations = 1 << 20;
  return { run: () => kernels.exports.peakProbe(iterations, kernels.operands), flops: iterations * 96 };
}
