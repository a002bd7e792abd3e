// The script every runtime runs, against the built bundle and nothing else: a 2-8-2 MLP learns
// XOR with Adam, then frees everything it made. Hosts pass init() options (workerd needs a
// precompiled WebAssembly.Module) and send the returned plain object back to the test.
import { F, hasRelaxedSimd, init, kernelBuild, manualSeed, memory, nn, noGrad, optim, predictedClasses, tensor, tidy } from '../../dist/simdgrad.js';

export const XOR_STEPS = 200;

export async function trainXor(initOptions = {}) {
  await init(initOptions);
  const tensorsAtStart = memory().tensors;
  manualSeed(0);
  const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = new Int32Array([0, 1, 1, 0]);
  const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.05 });
  const firstLoss = trainStep(model, optimizer, x, y);
  let loss = firstLoss;
  for (let step = 2; step <= XOR_STEPS; step++) loss = trainStep(model, optimizer, x, y);
  const predicted = noGrad(() => tidy(() => Array.from(predictedClasses(model.forward(x)))));
  x.dispose();
  model.dispose();
  optimizer.dispose();
  return {
    build: kernelBuild(),
    relaxedSimd: hasRelaxedSimd(),
    steps: XOR_STEPS,
    firstLoss,
    loss,
    predicted,
    accuracy: predicted.filter((label, i) => label === y[i]).length / y.length,
    tensorsAtStart,
    tensorsAtEnd: memory().tensors,
  };
}

function trainStep(model, optimizer, x, y) {
  optimizer.zeroGrad();
  const loss = tidy(() => {
    const value = F.crossEntropy(model.forward(x), y);
    value.backward();
    return value.item();
  });
  optimizer.step();
  return loss;
}
