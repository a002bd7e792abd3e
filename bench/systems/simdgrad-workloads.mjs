// The workloads through simdgrad's public API, for any build of the bundle: compare.mjs runs
// dist/ (systems/simdgrad.mjs), versus.mjs runs two bundles side by side.
import { layersWithShapes, labels, networkFor, normalValues } from '../workloads.mjs';

/** { setupBuild, prepare, wasmMemoryDuringTraining } over the given simdgrad module. */
export function simdgradWorkloads(simdgrad) {
  const { getNumThreads, init, manualSeed, matmul, memory, nn, F, noGrad, optim, randn, tensor, tidy } = simdgrad;

  /** Initialises the given kernel build ('simd' or 'relaxed-simd') on `threads` threads. */
  async function setupBuild(build, threads = 1) {
    // Older builds (a versus.mjs baseline) have no threads option.
    await init(threads > 1 ? { build, threads } : { build });
    manualSeed(0);
    const onThreads = threads > 1 ? `, ${getNumThreads()} threads` : '';
    return { notes: `wasm ${build === 'simd' ? 'SIMD' : 'relaxed-SIMD (fused multiply-add)'} build${onThreads}, NCHW, float32` };
  }

  function prepare(task) {
    if (task.workload === 'W1') return gemm(task.n);
    const net = networkFor(task);
    const model = sequential(net);
    const inputShape = [task.batch, ...net.input];
    const x = tensor(normalValues(inputShape.reduce((a, b) => a * b, 1)), inputShape);
    if (task.workload === 'W5') return inference(model, x);
    return training(model, x, labels(task.batch));
  }

  /** Peak wasm memory while training W4 for a few steps, in a process that has done nothing else. */
  function wasmMemoryDuringTraining(task) {
    const before = memory().wasmBytes;
    const { step, dispose } = prepare(task);
    for (let i = 0; i < task.steps; i++) step();
    const after = memory();
    dispose();
    return { wasmBytesAfterInit: before, wasmBytes: after.wasmBytes, liveBytesBetweenSteps: after.bytes, steps: task.steps };
  }

  function gemm(n) {
    const a = randn([n, n]);
    const b = randn([n, n]);
    return {
      step: () => matmul(a, b).dispose(),
      dispose: () => (a.dispose(), b.dispose()),
    };
  }

  function training(model, x, y) {
    const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
    return {
      step: () =>
        tidy(() => {
          optimizer.zeroGrad();
          const loss = F.crossEntropy(model.forward(x), y);
          loss.backward();
          optimizer.step();
          return loss.item();
        }),
      dispose: () => (optimizer.dispose(), model.dispose(), x.dispose()),
    };
  }

  function inference(model, x) {
    model.eval();
    return {
      step: () => tidy(() => noGrad(() => model.forward(x).toFloat32Array())),
      dispose: () => (model.dispose(), x.dispose()),
    };
  }

  function sequential(net) {
    const layers = layersWithShapes(net).map((layer) => {
      switch (layer.type) {
        case 'conv':
          return new nn.Conv2d(layer.inShape[0], layer.out, layer.kernel, { padding: layer.padding });
        case 'relu':
          return new nn.ReLU();
        case 'maxpool':
          return new nn.MaxPool2d(layer.kernel);
        case 'flatten':
          return new nn.Flatten();
        case 'linear':
          return new nn.Linear(layer.inShape[0], layer.out);
      }
    });
    return new nn.Sequential(...layers);
  }

  return { setupBuild, prepare, wasmMemoryDuringTraining };
}
