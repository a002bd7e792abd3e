import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { full } from '../creation.js';
import { formatShape, shapeSize } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { checkInteger, checkNumber, checkOptionalTensor, checkOptions, checkTensor } from '../check-args.js';

export interface GroupNormOptions {
  /** Per-channel scale [C]; default none, which means 1. */
  weight?: Tensor | null;
  /** Per-channel shift [C]; default none, which means 0. */
  bias?: Tensor | null;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/** What an exporter needs beyond the inputs. */
export interface GroupNormAttributes {
  numGroups: number;
  eps: number;
}

/**
 * Group normalization as torch.nn.functional.group_norm: input [N, C, *] with its C channels
 * split into numGroups consecutive groups; each sample's group is normalized by its mean and
 * biased variance over the group's channels and every position, then the per-channel weight
 * and bias apply.
 */
export function groupNorm(input: Tensor, numGroups: number, options: GroupNormOptions = {}): Tensor {
  checkTensor('groupNorm', 'input', input);
  checkInteger('groupNorm', 'numGroups', numGroups, 1);
  options = checkOptions<GroupNormOptions>('groupNorm', options) as GroupNormOptions;
  const weight = checkOptionalTensor('groupNorm', 'weight', options.weight ?? undefined) ?? null;
  const bias = checkOptionalTensor('groupNorm', 'bias', options.bias ?? undefined) ?? null;
  const eps = checkNumber('groupNorm', 'eps', options.eps ?? 1e-5, { min: 0 });
  if (input.ndim < 2) throw new Error(`simdgrad: groupNorm: input must be [N, C, ...] with at least 2 dimensions, got ${formatShape(input.shape)}; add a batch dimension.`);
  const [batch, channels] = input.shape as [number, number];
  if (channels % numGroups !== 0) {
    throw new Error(`simdgrad: groupNorm: numGroups ${numGroups} must divide the ${channels} channels of input ${formatShape(input.shape)}.`);
  }
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== channels)) {
      throw new Error(`simdgrad: groupNorm: ${name} has shape ${formatShape(t.shape)} but the input ${formatShape(input.shape)} has ${channels} channels; it must be [${channels}].`);
    }
  }
  const spatial = shapeSize(input.shape.slice(2));
  const rows = batch * numGroups;
  const out = Tensor.empty(input.shape);
  const mean = Tensor.empty([rows]);
  const invStd = Tensor.empty([rows]);
  // The kernels always apply a scale and a shift: ones and zeros stand in for those not given.
  const scale = weight ?? full([channels], 1);
  const shift = bias ?? full([channels], 0);
  const k = kernels();
  k.groupNormForward(input.ptr, out.ptr, scale.ptr, shift.ptr, mean.ptr, invStd.ptr, batch, channels, numGroups, spatial, eps);
  record(out, {
    op: 'groupNorm',
    inputs: [input, weight, bias],
    attributes: { numGroups, eps } satisfies GroupNormAttributes,
    saved: [input, mean, invStd, scale],
    backward: (g, [x, savedMean, savedInvStd, savedScale]) => {
      const gx = input.requiresGrad ? Tensor.empty(input.shape) : null;
      const affineGrads = weight?.requiresGrad || bias?.requiresGrad;
      const gw = affineGrads ? Tensor.empty([channels]) : null;
      const gb = affineGrads ? Tensor.empty([channels]) : null;
      k.groupNormBackward(x!.ptr, g.ptr, savedMean!.ptr, savedInvStd!.ptr, savedScale!.ptr, gx?.ptr ?? 0, gw?.ptr ?? 0, gb?.ptr ?? 0, batch, channels, numGroups, spatial);
      return [gx, keptIf(weight?.requiresGrad, gw), keptIf(bias?.requiresGrad, gb)];
    },
  });
  mean.dispose();
  invStd.dispose();
  if (scale !== weight) scale.dispose();
  if (shift !== bias) shift.dispose();
  return out;
}

function keptIf(wanted: boolean | undefined, grad: Tensor | null): Tensor | null {
  if (wanted) return grad;
  grad?.dispose();
  return null;
}
