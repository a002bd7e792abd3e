// The workloads through simdgrad's public API, for any build of the bundle: compare.mjs runs
// dist/ (systems/simdgrad.mjs), versus.mjs runs two bundles side by side.
import { CHAR_LSTM, CHAR_TRANSFORMER, layersWithShapes, labels, networkFor, normalValues, tokenBatch, tokens } from '../workloads.mjs';

/** { setupBuild, prepare, wasmMemoryDuringTraining } over the given simdgrad module. */
export function simdgradWorkloads(simdgrad) {
  const { add, arange, getNumThreads, init, manualSeed, matmul, memory, nn, F, noGrad, optim, randn, tensor, tidy } = simdgrad;

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
    if (task.workload === 'W6') return charTransformer(task.batch);
    if (task.workload === 'W7') return charLstm(task.batch);
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
    return trainingSteps(optimizer, () => F.crossEntropy(model.forward(x), y), () => (optimizer.dispose(), model.dispose(), x.dispose()));
  }

  // W6: embeddings of tokens and positions, pre-norm encoder layers with the causal cut, LayerNorm, head.
  function charTransformer(batch) {
    const { vocab, sequence, dModel, heads, feedforward, layers, lr, weightDecay } = CHAR_TRANSFORMER;
    const tokenEmbedding = new nn.Embedding(vocab, dModel);
    const positionEmbedding = new nn.Embedding(sequence, dModel);
    const layer = new nn.TransformerEncoderLayer(dModel, heads, { dimFeedforward: feedforward, dropout: 0, activation: 'gelu', batchFirst: true, normFirst: true });
    const encoder = new nn.TransformerEncoder(layer, layers);
    layer.dispose();
    const norm = new nn.LayerNorm(dModel);
    const head = new nn.Linear(dModel, vocab);
    const modules = [tokenEmbedding, positionEmbedding, encoder, norm, head];
    const { inputs, targets } = tokenBatch(batch);
    const x = tensor(Float32Array.from(inputs), [batch, sequence]);
    const positionIds = arange(sequence);
    const optimizer = new optim.AdamW(modules.flatMap((m) => m.parameters()), { lr, weightDecay });
    const lossOf = () => {
      const h = encoder.forward(add(tokenEmbedding.forward(x), positionEmbedding.forward(positionIds)), { isCausal: true });
      return F.crossEntropy(head.forward(norm.forward(h)).reshape([-1, vocab]), targets);
    };
    return trainingSteps(optimizer, lossOf, () => (optimizer.dispose(), modules.forEach((m) => m.dispose()), x.dispose(), positionIds.dispose()));
  }

  function charLstm(batch) {
    const { vocab, embed, hidden, steps } = CHAR_LSTM;
    const embedding = new nn.Embedding(vocab, embed);
    const lstm = new nn.LSTM(embed, hidden, { batchFirst: true });
    const head = new nn.Linear(hidden, vocab);
    const x = tensor(tokens(batch * steps), [batch, steps]);
    const y = tokens(batch * steps, 4);
    const modules = [embedding, lstm, head];
    const optimizer = new optim.Adam(modules.flatMap((m) => m.parameters()), { lr: 1e-3 });
    const lossOf = () => {
      const [output] = lstm.forward(embedding.forward(x));
      return F.crossEntropy(head.forward(output).reshape([batch * steps, vocab]), y);
    };
    return trainingSteps(optimizer, lossOf, () => (optimizer.dispose(), modules.forEach((m) => m.dispose()), x.dispose()));
  }

  // One full training step per call (forward, backward, update), returning the loss.
  function trainingSteps(optimizer, lossOf, dispose) {
    return {
      step: () =>
        tidy(() => {
          optimizer.zeroGrad();
          const loss = lossOf();
          loss.backward();
          optimizer.step();
          return loss.item();
        }),
      dispose,
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
