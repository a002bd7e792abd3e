// A small run with every source of state a resume must restore: dropout (the library's random
// generator), a shuffling DataLoader with its own seed, SGD with momentum, and StepLR. Plain
// JavaScript taking the library as an argument, so a test (on the sources or the bundle) and a
// fresh `node` process (on the bundle) run exactly the same code.

/** Builds the run; `seed` decides the initial weights, so a resumed run may start from others. */
export function makeRun(sg, seed) {
  const { data, manualSeed, nn, optim, tensor } = sg;
  const samples = 240;
  const features = Array.from({ length: samples }, (_, i) => Array.from({ length: 6 }, (_, j) => Math.sin(i * 0.37 + j * 1.3)));
  const labels = features.map((row) => (row[0] + row[1] > 0 ? (row[2] > 0 ? 2 : 1) : 0));
  manualSeed(seed);
  const model = new nn.Sequential(new nn.Linear(6, 16), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(16, 3));
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.2, momentum: 0.9 });
  const scheduler = new optim.StepLR(optimizer, { stepSize: 1, gamma: 0.7 });
  const dataLoader = new data.DataLoader(new data.TensorDataset(tensor(features), tensor(labels)), { batchSize: 32, shuffle: true, seed: 5 });
  return { model, optimizer, scheduler, dataLoader };
}

export async function trainEpochs(sg, { model, optimizer, scheduler, dataLoader }, epochs) {
  model.train();
  for (let epoch = 0; epoch < epochs; epoch++) {
    await dataLoader.forEachBatch(([x, y]) => {
      sg.tidy(() => {
        optimizer.zeroGrad();
        sg.F.crossEntropy(model.forward(x), y).backward();
        optimizer.step();
      });
    });
    scheduler.step();
  }
}

/** Every parameter's exact bits, for bit-for-bit comparison across processes. */
export function parameterBits({ model }) {
  return model.parameters().map((p) => Array.from(new Uint32Array(p.toFloat32Array().buffer)));
}
