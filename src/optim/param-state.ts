import { full, tensor } from '../creation.js';
import { keep } from '../scope.js';
import type { Tensor } from '../tensor.js';

/**
 * What an optimizer remembers about one parameter: how many updates it has had and its state
 * buffers (momentum, moments, accumulators), each shaped like the parameter. Buffers are kept,
 * so a step() inside tidy() never frees them; dispose() does.
 */
export class ParamState {
  step = 0;
  readonly buffers = new Map<string, Tensor>();

  has(name: string): boolean {
    return this.buffers.has(name);
  }

  /** The buffer `name`, created on first use filled with `initialValue`, like PyTorch's lazy state. */
  buffer(name: string, like: Tensor, initialValue = 0): Tensor {
    let buffer = this.buffers.get(name);
    if (!buffer) {
      buffer = keep(full(like.shape, initialValue));
      this.buffers.set(name, buffer);
    }
    return buffer;
  }

  /** A state restored from saved values (already checked against the parameter's size). */
  static restore(step: number, buffers: Record<string, readonly number[]>, like: Tensor): ParamState {
    const state = new ParamState();
    state.step = step;
    for (const [name, values] of Object.entries(buffers)) {
      state.buffers.set(name, keep(tensor(Float32Array.from(values), like.shape)));
    }
    return state;
  }

  /** The step count and which buffers exist, for rollBack(). */
  savePoint(): { step: number; buffers: ReadonlySet<string> } {
    return { step: this.step, buffers: new Set(this.buffers.keys()) };
  }

  /** Undoes what a failed step did since savePoint(): restores the count, frees buffers created since. */
  rollBack(point: { step: number; buffers: ReadonlySet<string> }): void {
    this.step = point.step;
    for (const [name, buffer] of this.buffers) {
      if (point.buffers.has(name)) continue;
      buffer.dispose();
      this.buffers.delete(name);
    }
  }

  toJSON(): { step: number; buffers: Record<string, number[]> } {
    const buffers: Record<string, number[]> = {};
    for (const [name, buffer] of this.buffers) buffers[name] = Array.from(buffer.toFloat32Array());
    return { step: this.step, buffers };
  }

  dispose(): void {
    for (const buffer of this.buffers.values()) buffer.dispose();
    this.buffers.clear();
  }
}
