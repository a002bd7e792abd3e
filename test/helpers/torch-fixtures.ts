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

/** PyTorch's keyword options as simdgrad's camelCase options (weight_decay -> weightDecay). */
export function camelCaseOptions(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).map(([key, value]) => [key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), value]));
}

export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
