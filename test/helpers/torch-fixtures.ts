import { readFileSync } from 'node:fs';
import { io } from 'simdgrad';

/** The bytes of a file in test/fixtures-torch (written by PyTorch: scripts/make-torch-fixtures.py). */
export function torchFixtureBytes(file: string): Uint8Array {
  return readFileSync(new URL(`../fixtures-torch/${file}`, import.meta.url));
}

/** A safetensors file of test/fixtures-torch: tensors by name, and its metadata. */
export function readTorchFixture(file: string): { tensors: Map<string, { shape: number[]; data: Float32Array }>; metadata: Record<string, string> } {
  return io.decodeSafetensors(torchFixtureBytes(file));
}

/**
 * PyTorch's keyword options as simdgrad's camelCase options (weight_decay -> weightDecay), without
 * `foreach`, which picks PyTorch's implementation (the NAdam fixture uses it for 2.0's rule).
 */
export function camelCaseOptions(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([key]) => key !== 'foreach').map(([key, value]) => [key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), value]));
}

/** The optimizer fixtures (optim-<name>.safetensors): a Linear(4,3)-Tanh-Linear(3,2) model's parameters and gradients. */
export const OPTIMIZER_FIXTURES = ['sgd', 'sgd-nesterov', 'adam', 'adam-amsgrad', 'adamw', 'rmsprop', 'adagrad', 'adamax', 'nadam', 'radam', 'adadelta'];

/** That model's parameter names, in the order of the optimizer's parameter indices. */
export const OPTIMIZER_FIXTURE_PARAMS = ['0.weight', '0.bias', '2.weight', '2.bias'];
