import { kernels } from '../backend/backend.js';
import { noGrad } from '../autograd/grad-mode.js';
import { DataLoader } from '../data/dataloader.js';
import { TensorDataset } from '../data/dataset.js';
import { keep, tidy } from '../scope.js';
import { Tensor } from '../tensor.js';
import type { Trainable } from './types.js';
import { checkOptions, checkTensor } from '../check-args.js';
import { checkTrainable } from './check-train-args.js';

export interface PredictOptions {
  /** Rows per forward pass (default 256). */
  batchSize?: number;
}

/** The model's outputs for every row of `x`, computed in eval mode in batches, as one tensor. */
export function predict(model: Trainable, x: Tensor, options: PredictOptions = {}): Tensor {
  checkTrainable('predict', model);
  checkTensor('predict', 'x', x);
  options = checkOptions<PredictOptions>('predict', options) as PredictOptions;
  const wasTraining = (model as { training?: boolean }).training ?? true;
  model.eval();
  let result: Tensor | null = null;
  let row = 0;
  try {
    for (const [batch] of new DataLoader(new TensorDataset(x), { batchSize: options.batchSize ?? 256 })) {
      noGrad(() =>
        tidy(() => {
          const output = model.forward(batch!);
          result ??= keep(Tensor.empty([x.shape[0]!, ...output.shape.slice(1)]));
          kernels().copy(output.ptr, result.ptr + 4 * row * (output.size / output.shape[0]!), output.size);
          row += output.shape[0]!;
        }),
      );
      batch!.dispose();
    }
  } catch (error) {
    (result as Tensor | null)?.dispose();
    throw error;
  } finally {
    model.train(wasTraining);
  }
  return result ?? Tensor.empty([0]);
}
