import type { Tensor } from '../tensor.js';
import { ReLU } from './activation.js';
import { Conv2d } from './conv.js';
import { Linear } from './linear.js';
import type { Module } from './module.js';

type Forward = (x: Tensor) => Tensor;

/**
 * The single op that computes `relu(layer(x))` when Sequential meets a layer followed by a ReLU,
 * or null. Its kernel applies the bias and the ReLU as it stores each output tile, which saves two
 * passes over the activations and one tensor. Only unmodified built-in layers fuse: a subclass or
 * an instance with its own forward runs as written.
 */
export function reluFusedForward(layer: Module, next: Module | undefined): Forward | null {
  if (!next || !isBuiltIn(next, ReLU)) return null;
  if (isBuiltIn(layer, Linear) || isBuiltIn(layer, Conv2d)) return (x) => layer.forwardRelu(x);
  return null;
}

function isBuiltIn<T extends Module>(module: Module, type: abstract new (...args: never[]) => T): module is T {
  return module.constructor === type && module.forward === type.prototype.forward;
}
