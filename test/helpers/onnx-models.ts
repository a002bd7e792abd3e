import {
  F, abs, add, argmax, argmin, cat, chunk, clamp, clone, cumsum, div, eq, exp, expand, flatten, gather, ge, gt, indexSelect, le, log, logsumexp, lt, maskedFill,
  matmul, max, maximum, mean, min, minimum, mul, narrow, ne, neg, nn, noGrad, oneHot, permute, pow, randn, reshape, scatterAdd, select, slice, split, sqrt,
  squeeze, stack, std, sub, sum, tensor, tidy, topk, transpose, tril, triu, unsqueeze, variance, where, type Tensor,
} from 'simdgrad';

/** A model to export, with the input shape it is traced with. */
export interface ExportCase {
  name: string;
  build: () => nn.Module;
  inputShape: number[];
}

/** W2's MLP: Sequential runs each Linear + ReLU as one fused op. */
export function mlp(): nn.Module {
  return new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
}

/** W3's LeNet. */
export function lenet(): nn.Module {
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(400, 120), new nn.ReLU(), new nn.Linear(120, 10),
  );
}

/** W4's VGG-mini: stacks of 3x3 convolutions. */
export function vggMini(): nn.Module {
  return new nn.Sequential(
    new nn.Conv2d(3, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.Conv2d(32, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(32, 64, 3, { padding: 1 }), new nn.ReLU(), new nn.Conv2d(64, 64, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(4096, 256), new nn.ReLU(), new nn.Linear(256, 10),
  );
}

/**
 * Batch and layer normalization, with running statistics that are not the initial zeros and
 * ones (a few training-mode passes move them) and dropout, softmax and global pooling around them.
 */
export function normalizedCnn(): nn.Module {
  const model = new nn.Sequential(
    new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.MaxPool2d(3, { stride: 2, ceilMode: true }),
    new nn.Conv2d(8, 16, 3, { stride: 2 }), new nn.BatchNorm2d(16), new nn.LeakyReLU(0.2), new nn.AdaptiveAvgPool2d(1),
    new nn.Flatten(), new nn.Linear(16, 32), new nn.BatchNorm1d(32), new nn.LayerNorm(32), new nn.GELU(), new nn.Dropout(0.3),
    new nn.Linear(32, 10), new nn.Softmax(1),
  );
  noGrad(() => {
    for (let i = 0; i < 3; i++) tidy(() => void model.forward(randn([6, 3, 15, 15], { mean: 0.5, std: 2 })));
  });
  return model;
}

/**
 * Grouped, dilated, strided, depthwise and asymmetrically padded convolutions, both poolings with padding and ceil
 * mode, every activation (side by side, each weighted differently, so any one of them wrong shows
 * in the output) and the arithmetic, reduction and shape ops, as a custom module over the
 * functional API.
 */
export class EveryOp extends nn.Module {
  readonly grouped = this.registerModule('grouped', new nn.Conv2d(4, 8, 3, { groups: 2, dilation: 2, padding: 2 }));
  readonly depthwise = this.registerModule('depthwise', new nn.Conv2d(8, 8, 3, { groups: 8, stride: 2, padding: [1, 0] }));
  readonly pointwise = this.registerModule('pointwise', new nn.Conv2d(8, 6, 1, { bias: false }));
  // An even kernel with 'same' padding pads one more row and column at the bottom and right.
  readonly same = this.registerModule('same', new nn.Conv2d(6, 6, [2, 3], { padding: 'same' }));
  readonly head = this.registerModule('head', new nn.Linear(6, 5));
  readonly mix = this.registerParameter('mix', randn([5, 5]));

  forward(x: Tensor): Tensor {
    const h = this.grouped.forward(x);
    const activations = [
      F.relu(h), F.leakyRelu(h, 0.1), F.sigmoid(h), F.tanh(h), F.gelu(h), F.gelu(h, { approximate: 'tanh' }),
      F.elu(h, 0.7), F.softplus(h, { beta: 2, threshold: 1 }), F.silu(h),
    ];
    const mixed = activations.map((a, i) => mul(a, (-1) ** i * (i + 1))).reduce((total, a) => add(total, a));
    const pooled = F.avgPool2d(mixed, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false });
    const maxed = F.maxPool2d(this.depthwise.forward(pooled), { kernelSize: 2, stride: 1, padding: 1, ceilMode: true });
    const p = this.same.forward(this.pointwise.forward(maxed));
    const summary = div(sub(add(mean(p, [2, 3]), max(p, [2, 3])), mul(sum(p, [2, 3], true).reshape(-1, 6), 0.01)), 3);
    let y = matmul(this.head.forward(summary), transpose(this.mix));
    y = add(y, sqrt(add(pow(y, 2), 1)));
    y = sub(y, log(add(exp(neg(y)), 1)));
    y = F.avgPool2d(reshape(y, [-1, 1, 1, 5]), { kernelSize: [1, 3], stride: 1, padding: [0, 1] }).reshape(-1, 5);
    return F.logSoftmax(y, 1);
  }
}

/**
 * Every op of the tensor toolkit on an input [N, 4, 6], with clone, batched and matrix-vector
 * matmul and softmax over a middle dimension besides, each result flattened into its own
 * columns of the output, so any one of them wrong shows. The discrete ones (comparisons, argmax,
 * argmin, topk) read the input itself, whose values both runtimes hold exactly, so rounding
 * cannot flip them.
 */
export class ToolkitOps extends nn.Module {
  readonly proj = this.registerModule('proj', new nn.Linear(6, 6));
  readonly direction = this.registerParameter('direction', randn([6]));

  forward(x: Tensor): Tensor {
    const h = this.proj.forward(x);
    const [front, back] = chunk(permute(h, [0, 2, 1]), 2, 1);
    const [firstTwo] = split(x, [2, 4], 2);
    const lifted = squeeze(unsqueeze(unsqueeze(select(h, 2, -1), 0), -1), 0);
    const shapes = [
      transpose(stack([front!, mul(back!, -0.5)], 1), 1, 3), cat([firstTwo!, slice(x, 2, 1, undefined, 2), expand(lifted, [-1, 4, 5])], 2),
      narrow(h, 1, 1, 2), slice(h, 2, 0, -2, 3),
    ];
    const masks = [eq(argmax(x, 2), 3), ne(argmin(x, 1, true), 0), lt(x, -0.5), le(argmax(x, 1), 2), gt(x, 0.5), ge(argmin(x, 2), 3)];
    const selections = [where(gt(x, 0.5), x, mul(x, 0.1)), maskedFill(h, lt(x, -0.5), -3)];
    const piecewise = [abs(h), clamp(h, -0.5, 0.5), clamp(h, null, 0.2), minimum(h, x), maximum(h, 0.1)];
    const top = topk(x, 3, { dim: 2 });
    const bottom = topk(narrow(x, 1, 0, 2), 2, { dim: 2, largest: false });
    const extremes = [
      min(h, 2), min(x, [1, 2], true), add(argmax(x, 2), mul(argmax(x), 0.01)), argmin(x, 1, true),
      top.values, top.indices, bottom.values, bottom.indices,
    ];
    const indexing = [
      gather(h, 2, top.indices), gather(h, 2, bottom.indices), indexSelect(h, 2, tensor([5, 0, 2])), indexSelect(h, 1, tensor(2)), oneHot(argmax(x, 2), 6),
      scatterAdd(h, 2, top.indices, top.values), scatterAdd(h, 1, argmax(narrow(x, 2, 0, 4), 1, true), mul(h, 2)),
    ];
    const scans = [cumsum(h, 2), cumsum(x, 1), tril(h), triu(h, 1)];
    const products = [clone(h), matmul(x, this.direction), matmul(h, transpose(x, 1, 2)), F.softmax(h, 2)];
    const moments = [variance(h, 2), std(h, [1, 2], { correction: 0, keepdim: true }), logsumexp(h, 2), logsumexp(mul(h, 30), [1, 2], true)];
    return cat([...shapes, ...masks, ...selections, ...piecewise, ...extremes, ...indexing, ...scans, ...products, ...moments].map((t) => flatten(t, 1)), 1);
  }
}

/**
 * nn.MultiheadAttention three ways over [batch, 5, 8] inputs: the fused self-attention path
 * with a causal cut, the path that returns the weights (averaged over heads), and
 * cross-attention (key and value differ from query) through slices of the packed projection;
 * then F.scaledDotProductAttention with a 0/1 bool mask and with an additive one.
 */
export class AttentionVariants extends nn.Module {
  readonly fused = this.registerModule('fused', new nn.MultiheadAttention(8, 2, { batchFirst: true }));
  readonly weighted = this.registerModule('weighted', new nn.MultiheadAttention(8, 4, { batchFirst: true }));
  readonly cross = this.registerModule('cross', new nn.MultiheadAttention(8, 2, { batchFirst: true }));
  readonly keep = this.registerBuffer('keep', tensor([1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1], [5, 5]));
  readonly bias = this.registerBuffer('bias', randn([5, 5]));

  forward(x: Tensor): Tensor {
    const [causal] = this.fused.forward(x, x, x, { isCausal: true, needWeights: false });
    const [attended, weights] = this.weighted.forward(causal, causal, causal);
    const memory = mul(x, 0.5);
    const [crossed] = this.cross.forward(attended, memory, memory, { needWeights: false });
    const mixed = add(matmul(weights!, crossed), crossed);
    const masked = F.scaledDotProductAttention(mixed, mixed, x, { attnMask: this.keep, boolMask: true });
    return F.scaledDotProductAttention(masked, x, mixed, { attnMask: this.bias, scale: 0.5 });
  }
}

/** Two pre-norm GELU encoder layers and a final LayerNorm, batch first, as in W6 (no mask: any length). */
export function transformerEncoder(): nn.Module {
  const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0.1, activation: 'gelu', batchFirst: true, normFirst: true });
  return new nn.TransformerEncoder(layer, 2, { norm: new nn.LayerNorm(8) });
}

/**
 * The layers beyond convnets: a grouped transposed convolution, group norm, the hard activations
 * and mish side by side, resizing in each mode (by scale and to a size, up and down), and a grouped, dilated
 * 1-D convolution with 'same' padding over the flattened image.
 */
export class BeyondConvnets extends nn.Module {
  readonly up = this.registerModule('up', new nn.ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }));
  readonly norm = this.registerModule('norm', new nn.GroupNorm(3, 6));
  readonly bilinear = this.registerModule('bilinear', new nn.Upsample({ scaleFactor: 1.5, mode: 'bilinear' }));
  readonly nearest = this.registerModule('nearest', new nn.Upsample({ size: [9, 10] }));
  readonly exact = this.registerModule('exact', new nn.Upsample({ scaleFactor: 0.8, mode: 'nearest-exact' }));
  readonly corners = this.registerModule('corners', new nn.Upsample({ size: [7, 7], mode: 'bilinear', alignCorners: true }));
  readonly sequence = this.registerModule('sequence', new nn.Conv1d(6, 4, 5, { padding: 'same', dilation: 2, groups: 2 }));

  forward(x: Tensor): Tensor {
    const h = this.norm.forward(this.up.forward(x));
    const activations = [F.relu6(mul(h, 4)), F.hardsigmoid(mul(h, 4)), F.hardswish(mul(h, 4)), F.mish(h)];
    const mixed = activations.map((a, i) => mul(a, (-1) ** i * (i + 1))).reduce((total, a) => add(total, a));
    const resized = this.corners.forward(this.exact.forward(this.nearest.forward(this.bilinear.forward(mixed))));
    return mean(this.sequence.forward(reshape(resized, [-1, 6, 49])), [2]);
  }
}

export const EXPORT_CASES: ExportCase[] = [
  { name: 'mlp', build: mlp, inputShape: [4, 784] },
  { name: 'lenet', build: lenet, inputShape: [3, 1, 28, 28] },
  { name: 'vgg-mini', build: vggMini, inputShape: [2, 3, 32, 32] },
  { name: 'normalized-cnn', build: normalizedCnn, inputShape: [3, 3, 15, 15] },
  { name: 'every-op', build: () => new EveryOp(), inputShape: [2, 4, 10, 9] },
  { name: 'toolkit', build: () => new ToolkitOps(), inputShape: [3, 4, 6] },
  { name: 'attention', build: () => new AttentionVariants(), inputShape: [2, 5, 8] },
  { name: 'transformer-encoder', build: transformerEncoder, inputShape: [2, 6, 8] },
  { name: 'beyond-convnets', build: () => new BeyondConvnets(), inputShape: [2, 4, 6, 6] },
];
