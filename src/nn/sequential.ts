import type { Tensor } from '../tensor.js';
import { checkModule, Module } from './module.js';
import { reluFusedForward } from './relu-fusion.js';

/**
 * Runs its modules one after another, as torch.nn.Sequential. They are its children '0', '1',
 * ..., so parameters are named '0.weight', '2.bias', ... exactly as in PyTorch.
 */
export class Sequential extends Module {
  private readonly layers: Module[] = [];

  constructor(...modules: Module[]) {
    super();
    modules.forEach((module, i) => checkModule('Sequential', `module ${i}`, module));
    for (const module of modules) this.append(module);
  }

  get length(): number {
    return this.layers.length;
  }

  /** The module at `index`; negative indices count from the end. */
  at(index: number): Module {
    const resolved = index < 0 ? index + this.layers.length : index;
    const module = Number.isInteger(index) ? this.layers[resolved] : undefined;
    if (!module) throw new Error(`simdgrad: Sequential.at(${index}): index out of range for ${this.layers.length} modules (valid: ${-this.layers.length}..${this.layers.length - 1}).`);
    return module;
  }

  /** Adds a module at the end, named by its position. */
  append(module: Module): this {
    checkModule('Sequential.append', 'module', module);
    this.registerModule(String(this.layers.length), module);
    this.layers.push(module);
    return this;
  }

  /** Runs the layers in order; a Linear or Conv2d followed by a ReLU runs as one fused op. */
  forward(x: Tensor): Tensor {
    let out = x;
    for (let i = 0; i < this.layers.length; i++) {
      const layer = this.layers[i]!;
      const fused = reluFusedForward(layer, this.layers[i + 1]);
      if (fused) i++;
      out = fused ? fused(out) : layer.forward(out);
    }
    return out;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.layers[Symbol.iterator]();
  }
}
