// What each bundled page runs, given the simdgrad module it imported (either entry): a 2-16-2
// MLP learns XOR with Adam for 60 steps; the test reads the losses from window.simdgradResult.
export function trainXor(sg) {
  sg.manualSeed(0);
  const x = sg.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = new Int32Array([0, 1, 1, 0]);
  const model = new sg.nn.Sequential(new sg.nn.Linear(2, 16), new sg.nn.Tanh(), new sg.nn.Linear(16, 2));
  const optimizer = new sg.optim.Adam(model.parameters(), { lr: 0.05 });
  const losses = [];
  for (let step = 0; step < 60; step++) {
    optimizer.zeroGrad();
    losses.push(sg.tidy(() => {
      const loss = sg.F.crossEntropy(model.forward(x), y);
      loss.backward();
      return loss.item();
    }));
    optimizer.step();
  }
  return { build: sg.kernelBuild(), firstLoss: losses[0], lastLoss: losses.at(-1) };
}

/** Runs `start` (which loads the kernels and imports nothing else) and publishes the result or the error. */
export function publish(start) {
  window.simdgradResult = start().catch((error) => ({ error: error instanceof Error ? error.stack : String(error) }));
}
