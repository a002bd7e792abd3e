import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { nextUint32 } from '../random.js';
import { Tensor } from '../tensor.js';
import { mul } from './arithmetic.js';
import { checkOptions, checkTensor } from '../check-args.js';

export interface DropoutOptions {
  /** Probability of zeroing each element (default 0.5). */
  p?: number;
  /** Dropout only acts while training; otherwise it passes x through (default true). */
  training?: boolean;
}

/**
 * Inverted dropout, as torch.nn.functional.dropout: each element is zeroed with probability p
 * and the survivors are scaled by 1 / (1 - p), so the expected value is unchanged and
 * evaluation needs no rescaling. Reproducible under manualSeed().
 */
export function dropout(x: Tensor, options: DropoutOptions = {}): Tensor {
  options = checkOptions<DropoutOptions>('dropout', options) as DropoutOptions;
  const p = options.p ?? 0.5;
  const training = options.training ?? true;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new Error(`simdgrad: dropout: p must be a probability in [0, 1], got ${String(p)}; it is the chance of zeroing each element.`);
  }
  checkTensor('dropout', 'input', x);
  if (!training || p === 0) return passThrough(x);
  const out = Tensor.empty(x.shape);
  const mask = Tensor.empty(x.shape);
  // One draw from the host generator seeds the kernels' generator, so manualSeed() fixes every mask.
  kernels().randomSeed(nextUint32());
  kernels().dropoutForward(x.ptr, out.ptr, mask.ptr, x.size, p, p === 1 ? 0 : 1 / (1 - p));
  record(out, { op: 'dropout', inputs: [x], saved: [mask], backward: (g, [m]) => [mul(g, m!)] });
  mask.dispose();
  return out;
}

function passThrough(x: Tensor): Tensor {
  return record(Tensor.view(x, x.shape), { op: 'dropout', inputs: [x], backward: (g) => [g] });
}
