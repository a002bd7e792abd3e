// What every runtime runs to check threads, against the built bundle: on the plain SIMD build with
// `threads` threads, a product large enough to be split and three MLP training steps. Returns the
// thread count that ran, what init() warned, and hashes of the product's and the parameters' bits.
import { F, getNumThreads, init, manualSeed, matmul, nn, optim, rand } from '../../dist/simdgrad.js';

// FNV-1a over the float32 bits: equal hashes mean equal bits, for all practical purposes.
function hashBits(values) {
  let hash = 0x811c9dc5;
  for (const word of new Uint32Array(values.buffer, values.byteOffset, values.length)) hash = Math.imul(hash ^ word, 0x01000193) >>> 0;
  return hash;
}

export async function runOnThreads(threads) {
  const warnings = [];
  const warn = console.warn;
  console.warn = (message) => warnings.push(String(message));
  try {
    await init({ build: 'simd', threads });
  } finally {
    console.warn = warn;
  }
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
  return { threads: getNumThreads(), warnings, product: hashBits(product), parameters: model.parameters().map((p) => hashBits(p.toFloat32Array())) };
}
