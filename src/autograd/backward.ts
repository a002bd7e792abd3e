import { backend } from '../backend/backend.js';
import { tidy, keep } from '../scope.js';
import { Tensor } from '../tensor.js';
import { noGrad } from './grad-mode.js';
import type { GradNode } from './node.js';

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again (PyTorch's retain_graph; default false). */
  retainGraph?: boolean;
}

/** Reverse-mode pass from `root`: accumulates d(root)/d(leaf) into every leaf's `.grad`. */
export function runBackward(root: Tensor, upstream: Tensor, options: BackwardOptions): void {
  if (!root.gradFn) {
    accumulateLeafGrad(root, upstream);
    return;
  }
  const order = topologicalOrder(root.gradFn);
  // Pinned for the pass: freeing one node must not cascade into nodes still to be visited.
  for (const node of order) node.retain();
  try {
    propagate(root.gradFn, order, upstream, options);
  } finally {
    for (const node of order) node.unref();
  }
}

function propagate(rootNode: GradNode, order: GradNode[], upstream: Tensor, options: BackwardOptions): void {
  const pending = new Map<GradNode, Tensor>([[rootNode, keep(upstream.clone())]]);
  for (const node of order) {
    const grad = pending.get(node);
    if (!grad) continue;
    pending.delete(node);
    if (node.savedFreed) {
      for (const leftover of pending.values()) leftover.dispose();
      grad.dispose();
      throw new Error(
        `simdgrad: backward through '${node.op}' a second time: its saved tensors were freed after the first ` +
          'backward. Pass { retainGraph: true } to the first backward() if you need to run it twice.',
      );
    }
    const inputGrads = tidy(() => noGrad(() => node.backwardFn(grad, node.saved))).map((g) => (g === grad ? Tensor.view(g, g.shape) : g));
    grad.dispose();
    node.inputs.forEach((input, i) => {
      const inputGrad = inputGrads[i];
      if (!input || !inputGrad) {
        inputGrad?.dispose();
        return;
      }
      if (input.gradFn) accumulatePending(pending, input.gradFn, inputGrad);
      else accumulateLeafGrad(input, inputGrad);
    });
    if (!options.retainGraph) node.freeSaved();
  }
  for (const leftover of pending.values()) leftover.dispose();
}

function accumulatePending(pending: Map<GradNode, Tensor>, node: GradNode, grad: Tensor): void {
  const existing = pending.get(node);
  if (existing) {
    addInto(existing, grad);
    grad.dispose();
  } else {
    pending.set(node, keep(ownedCopy(grad)));
  }
}

function accumulateLeafGrad(leaf: Tensor, grad: Tensor): void {
  if (leaf.isDisposed) {
    grad.dispose();
    return;
  }
  if (leaf.grad && !leaf.grad.isDisposed) {
    addInto(leaf.grad, grad);
    grad.dispose();
  } else {
    leaf.grad = keep(ownedCopy(grad));
  }
}

// Accumulation writes in place, so a gradient that shares memory with another is copied first.
function ownedCopy(grad: Tensor): Tensor {
  if (grad.ownsStorageAlone) return grad;
  const copy = grad.clone();
  grad.dispose();
  return copy;
}

function addInto(target: Tensor, addend: Tensor): void {
  backend().kernels.axpy(addend.ptr, target.ptr, target.size, 1);
}

function topologicalOrder(root: GradNode): GradNode[] {
  const visited = new Set<GradNode>();
  const postOrder: GradNode[] = [];
  const stack: [GradNode, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [node, next] = top;
    if (next < node.inputs.length) {
      top[1]++;
      const child = node.inputs[next]?.gradFn;
      if (child && !visited.has(child)) {
        visited.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      postOrder.push(node);
    }
  }
  return postOrder.reverse();
}
