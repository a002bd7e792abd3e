import { formatShape } from '../shape-util.js';
import type { Tensor } from '../tensor.js';
import type { Target } from './types.js';

/** The class with the largest score in each row of `output` [N, C]. */
export function predictedClasses(output: Tensor): Int32Array {
  if (output.ndim !== 2) throw new Error(`simdgrad: accuracy: expected output [N, classes], got ${formatShape(output.shape)}.`);
  const [rows, classes] = output.shape as [number, number];
  const scores = output.toFloat32Array();
  const predicted = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (scores[r * classes + c]! > scores[r * classes + best]!) best = c;
    predicted[r] = best;
  }
  return predicted;
}

/** How many rows of `output` [N, C] have their largest value at the target class. */
export function countCorrect(output: Tensor, target: Target): number {
  const predicted = predictedClasses(output);
  const labels = labelValues(target);
  let correct = 0;
  predicted.forEach((p, r) => (correct += p === labels[r] ? 1 : 0));
  return correct;
}

/** Counts per (true class, predicted class): matrix[trueClass][predictedClass]. */
export function confusionMatrix(output: Tensor, target: Target, classes = output.shape[1]!): number[][] {
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const labels = labelValues(target);
  predictedClasses(output).forEach((p, r) => matrix[labels[r]!]![p]!++);
  return matrix;
}

function labelValues(target: Target): ArrayLike<number> {
  return target instanceof Int32Array ? target : target.toFloat32Array();
}
