import { formatShape } from '../shape-util.js';
import type { Tensor } from '../tensor.js';
import type { Target } from './types.js';
import { checkOptionalNumber, checkTensor } from '../check-args.js';
import { checkTarget } from './check-train-args.js';

/** The class with the largest score in each row of `output` [N, C]. */
export function predictedClasses(output: Tensor): Int32Array {
  checkTensor('predictedClasses', 'output', output);
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
  const labels = labelValues('countCorrect', target);
  let correct = 0;
  predicted.forEach((p, r) => (correct += p === labels[r] ? 1 : 0));
  return correct;
}

/** Counts per (true class, predicted class): matrix[trueClass][predictedClass]. */
export function confusionMatrix(output: Tensor, target: Target, classes?: number): number[][] {
  const predicted = predictedClasses(output);
  const count = checkOptionalNumber('confusionMatrix', 'classes', classes, { integer: true, min: 1, max: 65536 }) ?? output.shape[1]!;
  const labels = labelValues('confusionMatrix', target);
  for (let r = 0; r < predicted.length; r++) {
    const label = labels[r]!;
    if (!(Number.isInteger(label) && label >= 0 && label < count) || predicted[r]! >= count) {
      throw new Error(`simdgrad: confusionMatrix: row ${r} has true class ${label} and predicted class ${predicted[r]}, outside the ${count} classes; pass the number of classes as the third argument.`);
    }
  }
  const matrix = Array.from({ length: count }, () => new Array<number>(count).fill(0));
  predicted.forEach((p, r) => matrix[labels[r]!]![p]!++);
  return matrix;
}

function labelValues(op: string, target: Target): ArrayLike<number> {
  const checked = checkTarget(op, target);
  return checked instanceof Int32Array ? checked : checked.toFloat32Array();
}
