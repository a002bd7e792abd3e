// A small model with a BatchNorm (so buffers and an exact count travel too) and one training
// step on fixed data: what the file tests save, load and compare.
import { F, manualSeed, nn, tensor, type optim, type Tensor } from 'simdgrad';

export function smallModel(seed: number): nn.Sequential {
  manualSeed(seed);
  return new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.ReLU(), new nn.Linear(4, 2));
}

export const smallInput = (): Tensor => tensor([[0.5, -1, 2], [1, 1, -1], [0, 2, 0.25]]);
const smallTarget = (): Tensor => tensor([[1, 0], [0, 1], [0.5, 0.5]]);

export function trainStep(net: nn.Module, optimizer: optim.Optimizer): void {
  optimizer.zeroGrad();
  F.mseLoss(net.forward(smallInput()), smallTarget()).backward();
  optimizer.step();
}

export function parameterValues(net: nn.Module): Float32Array[] {
  return net.parameters().map((p: Tensor) => p.toFloat32Array());
}
