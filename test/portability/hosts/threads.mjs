// `<runtime> threads.mjs <threads>`: on the plain SIMD build with that many threads, a product
// large enough to be split and three MLP training steps; prints one line of JSON with the thread
// count and hashes of the product's and the parameters' bits, then ends by itself (its workers
// must not keep the runtime alive).
import { F, getNumThreads, init, manualSeed, matmul, nn, optim, rand } from '../../../dist/simdgrad.js';

const threads = Number((globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2))[0] ?? 1);

// FNV-1a over the float32 bits: equal hashes mean equal bits, for all practical purposes.
function hashBits(values) {
  let hash = 0x811c9dc5;
  for (const word of new Uint32Array(values.buffer, values.byteOffset, values.length)) hash = Math.imul(hash ^ word, 0x01000193) >>> 0;
  return hash;
}

try {
  await init({ build: 'simd', threads });
  manualSeed(0);
  const product = matmul(rand([200, 300]), rand([300, 250])).toFloat32Array();
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = rand([64, 784]);
  const target = Array.from({ length: 64 }, (_, i) => i % 10);
  for (let step = 0; step < 3; step++) {
    optimizer.zeroGrad();
    F.crossEntropy(model.forward(x), target).backward();
    optimizer.step();
  }
  const parameters = model.parameters().map((p) => hashBits(p.toFloat32Array()));
  console.log(JSON.stringify({ threads: getNumThreads(), product: hashBits(product), parameters }));
} catch (error) {
  console.error(error instanceof Error ? error.stack : String(error));
  if (globalThis.Deno) globalThis.Deno.exit(1);
  else process.exit(1);
}
