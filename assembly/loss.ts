import { rowMax } from './row-extrema';
// Losses, each fused with its gradient. A forward kernel writes the loss to `out` and, when
// `grad` is not 0, d(loss)/d(input) to `grad`, so backward only has to multiply by the upstream
// gradient (lossBackward). Conventions shared by every forward kernel:
// - `perElement` != 0 is reduction 'none': one loss per element (or per sample) in `out`;
//   otherwise out[0] holds the sum;
// - `scale` multiplies every loss and gradient: 1/count for 'mean', 1 for 'sum' and 'none'
//   (times delta for the Huber loss, which is delta * smoothL1 with beta = delta).

const KIND_MSE: i32 = 0;
const KIND_L1: i32 = 1;
const KIND_SMOOTH_L1: i32 = 2;
const KIND_HINGE: i32 = 3;

@inline function horizontalSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

// -1, 0 or 1 per lane, as torch.sign.
@inline function signOf(d: v128): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  return f32x4.sub(v128.and(f32x4.gt(d, zero), one), v128.and(f32x4.lt(d, zero), one));
}

@inline function elementLoss(kind: i32, x: v128, t: v128, param: f32): v128 {
  const d = f32x4.sub(x, t);
  if (kind == KIND_MSE) return f32x4.mul(d, d);
  if (kind == KIND_L1) return f32x4.abs(d);
  if (kind == KIND_SMOOTH_L1) {
    const a = f32x4.abs(d);
    const beta = f32x4.splat(param);
    const quadratic = f32x4.div(f32x4.mul(f32x4.mul(d, d), f32x4.splat(0.5)), beta);
    return v128.bitselect(quadratic, f32x4.sub(a, f32x4.splat(0.5 * param)), f32x4.lt(a, beta));
  }
  return f32x4.max(f32x4.sub(f32x4.splat(1), f32x4.mul(t, x)), f32x4.splat(0));
}

@inline function elementGrad(kind: i32, x: v128, t: v128, param: f32): v128 {
  const d = f32x4.sub(x, t);
  if (kind == KIND_MSE) return f32x4.add(d, d);
  if (kind == KIND_L1) return signOf(d);
  if (kind == KIND_SMOOTH_L1) {
    const beta = f32x4.splat(param);
    return v128.bitselect(f32x4.div(d, beta), signOf(d), f32x4.lt(f32x4.abs(d), beta));
  }
  const active = f32x4.gt(f32x4.sub(f32x4.splat(1), f32x4.mul(t, x)), f32x4.splat(0));
  return v128.and(f32x4.neg(t), active);
}

// The tail reuses the vector formulas on splatted scalars, so each loss is written once.
@inline function elementwiseLoss(
  kind: i32, input: usize, target: usize, n: i32, out: usize, grad: usize, perElement: i32, scale: f32, param: f32,
): void {
  const sv = f32x4.splat(scale);
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const x = v128.load(input + off);
    const t = v128.load(target + off);
    const loss = f32x4.mul(elementLoss(kind, x, t, param), sv);
    if (perElement) v128.store(out + off, loss);
    else acc = f32x4.add(acc, loss);
    if (grad) v128.store(grad + off, f32x4.mul(elementGrad(kind, x, t, param), sv));
  }
  let total = horizontalSum(acc);
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const x = f32x4.splat(load<f32>(input + off));
    const t = f32x4.splat(load<f32>(target + off));
    const loss = f32x4.extract_lane(elementLoss(kind, x, t, param), 0) * scale;
    if (perElement) store<f32>(out + off, loss);
    else total += loss;
    if (grad) store<f32>(grad + off, f32x4.extract_lane(elementGrad(kind, x, t, param), 0) * scale);
  }
  if (!perElement) store<f32>(out, total);
}

export function mseLossForward(input: usize, target: usize, n: i32, out: usize, grad: usize, perElement: i32, scale: f32): void {
  elementwiseLoss(KIND_MSE, input, target, n, out, grad, perElement, scale, 0);
}

export function l1LossForward(input: usize, target: usize, n: i32, out: usize, grad: usize, perElement: i32, scale: f32): void {
  elementwiseLoss(KIND_L1, input, target, n, out, grad, perElement, scale, 0);
}

// beta 0 never takes the quadratic branch (|d| < 0 is false), which makes it the L1 loss.
export function smoothL1LossForward(input: usize, target: usize, n: i32, out: usize, grad: usize, perElement: i32, scale: f32, beta: f32): void {
  elementwiseLoss(KIND_SMOOTH_L1, input, target, n, out, grad, perElement, scale, beta);
}

// Returns how many targets are not -1 or 1 (then nothing is computed).
export function hingeLossForward(input: usize, target: usize, n: i32, out: usize, grad: usize, perElement: i32, scale: f32): i32 {
  let invalid = 0;
  for (let i = 0; i < n; i++) {
    const t = load<f32>(target + (<usize>i << 2));
    if (t != 1 && t != -1) invalid++;
  }
  if (invalid == 0) elementwiseLoss(KIND_HINGE, input, target, n, out, grad, perElement, scale, 0);
  return invalid;
}

// Logs clamped at -100 and the gradient's denominator at 1e-12, as PyTorch does, so inputs of
// exactly 0 or 1 give a large finite loss. `weight` (0 for none) repeats every `weightSize`
// elements. Returns how many inputs lie outside [0, 1] (then nothing is computed).
export function binaryCrossEntropyForward(
  input: usize, target: usize, weight: usize, weightSize: i32, n: i32, out: usize, grad: usize, perElement: i32, scale: f32,
): i32 {
  let invalid = 0;
  for (let i = 0; i < n; i++) {
    const x = load<f32>(input + (<usize>i << 2));
    if (!(x >= 0 && x <= 1)) invalid++;
  }
  if (invalid) return invalid;
  let total: f64 = 0;
  let w: f32 = scale;
  for (let i = 0, j = 0; i < n; i++, j++) {
    if (j == weightSize) j = 0;
    if (weight) w = load<f32>(weight + (<usize>j << 2)) * scale;
    const off = <usize>i << 2;
    const x = load<f32>(input + off);
    const t = load<f32>(target + off);
    const loss = w * ((t - 1) * max<f32>(Mathf.log(1 - x), -100) - t * max<f32>(Mathf.log(x), -100));
    if (perElement) store<f32>(out + off, loss);
    else total += loss;
    if (grad) store<f32>(grad + off, w * (x - t) / max<f32>((1 - x) * x, 1e-12));
  }
  if (!perElement) store<f32>(out, <f32>total);
  return 0;
}

// loss = (1 - t) x + (1 + (posWeight - 1) t) softplus(-x), with softplus(-x) computed as
// log1p(exp(-|x|)) + max(-x, 0) so no exp overflows. `posWeight` (0 for none) repeats every
// `posWeightSize` elements.
export function binaryCrossEntropyWithLogitsForward(
  input: usize, target: usize, posWeight: usize, posWeightSize: i32, n: i32, out: usize, grad: usize, perElement: i32, scale: f32,
): void {
  let total: f64 = 0;
  for (let i = 0, j = 0; i < n; i++, j++) {
    if (j == posWeightSize) j = 0;
    const off = <usize>i << 2;
    const x = load<f32>(input + off);
    const t = load<f32>(target + off);
    const logWeight: f32 = posWeight ? 1 + (load<f32>(posWeight + (<usize>j << 2)) - 1) * t : 1;
    const e = Mathf.exp(-Mathf.abs(x));
    const softplusNeg = Mathf.log1p(e) + max(-x, <f32>0);
    const loss = scale * ((1 - t) * x + logWeight * softplusNeg);
    if (perElement) store<f32>(out + off, loss);
    else total += loss;
    if (grad) {
      const sigmoidNeg = x >= 0 ? e / (1 + e) : 1 / (1 + e);
      store<f32>(grad + off, scale * (1 - t - logWeight * sigmoidNeg));
    }
  }
  if (!perElement) store<f32>(out, <f32>total);
}

@inline function rowSum(row: usize, cols: i32): f32 {
  let acc = f32x4.splat(0);
  let c = 0;
  for (; c + 4 <= cols; c += 4) acc = f32x4.add(acc, v128.load(row + (<usize>c << 2)));
  let total = horizontalSum(acc);
  for (; c < cols; c++) total += load<f32>(row + (<usize>c << 2));
  return total;
}

@inline function rowAffine(row: usize, cols: i32, a: f32, b: f32): void {
  const av = f32x4.splat(a);
  const bv = f32x4.splat(b);
  let c = 0;
  for (; c + 4 <= cols; c += 4) {
    const off = <usize>c << 2;
    v128.store(row + off, f32x4.add(f32x4.mul(v128.load(row + off), av), bv));
  }
  for (; c < cols; c++) {
    const off = <usize>c << 2;
    store<f32>(row + off, load<f32>(row + off) * a + b);
  }
}

@inline function storeSampleLoss(out: usize, r: i32, perElement: i32, loss: f32): void {
  if (perElement) store<f32>(out + (<usize>r << 2), loss);
}

// The class losses read [rows, cols] inputs and one int32 class index per row in `targets`.
// A row whose target equals `ignoreIndex` has loss 0 and gradient 0 (the host divides 'mean'
// by the rows it counts).

// Log-softmax and NLL in one pass over each row, with label smoothing ε:
// loss = logsumexp(x) - (1 - ε) x[y] - ε mean(x); grad = softmax(x) - (1 - ε) onehot(y) - ε / C.
// The sum is taken in blocks of CROSS_ENTROPY_BLOCK rows, each block's in float64 from zero,
// then the blocks' in order: threads (crossEntropyForwardPart) compute whole blocks, so the sum
// has the same bits whichever thread computed which block.
export function crossEntropyForward(
  logits: usize, targets: usize, rows: i32, cols: i32, out: usize, grad: usize, perElement: i32, scale: f32, smoothing: f32, ignoreIndex: i32,
): void {
  let total: f64 = 0;
  for (let r = 0; r < rows; r += CROSS_ENTROPY_BLOCK) {
    total += crossEntropyRows(logits, targets, r, min(r + CROSS_ENTROPY_BLOCK, rows), cols, out, grad, perElement, scale, smoothing, ignoreIndex);
  }
  if (!perElement) store<f32>(out, <f32>total);
}

const CROSS_ENTROPY_BLOCK: i32 = 64;

/** How many rows each float64 partial sum of crossEntropyForwardPart covers. */
export function crossEntropyBlockRows(): i32 {
  return CROSS_ENTROPY_BLOCK;
}

// Rows [begin, end) of crossEntropyForward, begin a multiple of CROSS_ENTROPY_BLOCK, for
// src/backend/threads/parallel-loss.ts: the per-row losses and gradients as the whole call
// writes them, and each block's sum in `partials` (float64, one per block of the whole call).
export function crossEntropyForwardPart(
  logits: usize, targets: usize, rows: i32, cols: i32, out: usize, grad: usize, perElement: i32, scale: f32, smoothing: f32, ignoreIndex: i32,
  partials: usize, begin: i32, end: i32,
): void {
  for (let r = begin; r < end; r += CROSS_ENTROPY_BLOCK) {
    const sum = crossEntropyRows(logits, targets, r, min(r + CROSS_ENTROPY_BLOCK, end), cols, out, grad, perElement, scale, smoothing, ignoreIndex);
    store<f64>(partials + (<usize>(r / CROSS_ENTROPY_BLOCK) << 3), sum);
  }
}

function crossEntropyRows(
  logits: usize, targets: usize, begin: i32, end: i32, cols: i32, out: usize, grad: usize, perElement: i32, scale: f32, smoothing: f32, ignoreIndex: i32,
): f64 {
  let total: f64 = 0;
  const spread = smoothing / <f32>cols;
  for (let r = begin; r < end; r++) {
    const rowOffset = <usize>(r * cols) << 2;
    const row = logits + rowOffset;
    const gradRow = grad + rowOffset;
    const y = load<i32>(targets + (<usize>r << 2));
    if (y == ignoreIndex) {
      storeSampleLoss(out, r, perElement, 0);
      if (grad) memory.fill(gradRow, 0, <usize>cols << 2);
      continue;
    }
    const m = rowMax(row, cols);
    let expSum: f32 = 0;
    for (let c = 0; c < cols; c++) {
      const off = <usize>c << 2;
      const e = Mathf.exp(load<f32>(row + off) - m);
      expSum += e;
      if (grad) store<f32>(gradRow + off, e);
    }
    const logSumExp = m + Mathf.log(expSum);
    const meanLogit: f32 = smoothing != 0 ? rowSum(row, cols) / <f32>cols : 0;
    const loss = scale * (logSumExp - (1 - smoothing) * load<f32>(row + (<usize>y << 2)) - smoothing * meanLogit);
    storeSampleLoss(out, r, perElement, loss);
    total += loss;
    if (grad) {
      rowAffine(gradRow, cols, scale / expSum, -scale * spread);
      const at = gradRow + (<usize>y << 2);
      store<f32>(at, load<f32>(at) - scale * (1 - smoothing));
    }
  }
  return total;
}

// loss = -logProbs[y]
export function nllLossForward(
  logProbs: usize, targets: usize, rows: i32, cols: i32, out: usize, grad: usize, perElement: i32, scale: f32, ignoreIndex: i32,
): void {
  let total: f64 = 0;
  if (grad) memory.fill(grad, 0, <usize>(rows * cols) << 2);
  for (let r = 0; r < rows; r++) {
    const y = load<i32>(targets + (<usize>r << 2));
    if (y == ignoreIndex) {
      storeSampleLoss(out, r, perElement, 0);
      continue;
    }
    const at = <usize>(r * cols + y) << 2;
    const loss = -scale * load<f32>(logProbs + at);
    storeSampleLoss(out, r, perElement, loss);
    total += loss;
    if (grad) store<f32>(grad + at, -scale);
  }
  if (!perElement) store<f32>(out, <f32>total);
}

// Multi-class hinge: loss = Σ_{c≠y} max(0, margin - x[y] + x[c])^p / C, p 1 or 2. Every class
// is processed as a vector, then the term of c = y (computed the same way) is taken back out.
export function multiMarginLossForward(
  input: usize, targets: usize, rows: i32, cols: i32, out: usize, grad: usize, perElement: i32, scale: f32, margin: f32, p: i32,
): void {
  let total: f64 = 0;
  const perClass = scale / <f32>cols;
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  const kv = f32x4.splat(perClass);
  for (let r = 0; r < rows; r++) {
    const rowOffset = <usize>(r * cols) << 2;
    const row = input + rowOffset;
    const gradRow = grad + rowOffset;
    const y = load<i32>(targets + (<usize>r << 2));
    const xy = load<f32>(row + (<usize>y << 2));
    const base = f32x4.splat(margin - xy);
    let lossAcc = zero;
    let slopeAcc = zero;
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const off = <usize>c << 2;
      const z = f32x4.add(base, v128.load(row + off));
      const hinge = f32x4.max(z, zero);
      const term = p == 1 ? hinge : f32x4.mul(hinge, hinge);
      const slope = p == 1 ? v128.and(f32x4.gt(z, zero), one) : f32x4.add(hinge, hinge);
      lossAcc = f32x4.add(lossAcc, term);
      slopeAcc = f32x4.add(slopeAcc, slope);
      if (grad) v128.store(gradRow + off, f32x4.mul(slope, kv));
    }
    let lossSum = horizontalSum(lossAcc);
    let slopeSum = horizontalSum(slopeAcc);
    for (; c < cols; c++) {
      const off = <usize>c << 2;
      const z = (margin - xy) + load<f32>(row + off);
      const hinge = max(z, <f32>0);
      const slope: f32 = p == 1 ? (z > 0 ? 1 : 0) : 2 * hinge;
      lossSum += p == 1 ? hinge : hinge * hinge;
      slopeSum += slope;
      if (grad) store<f32>(gradRow + off, slope * perClass);
    }
    const zy = (margin - xy) + xy;
    const hingeY = max(zy, <f32>0);
    const slopeY: f32 = p == 1 ? (zy > 0 ? 1 : 0) : 2 * hingeY;
    const loss = (lossSum - (p == 1 ? hingeY : hingeY * hingeY)) * perClass;
    storeSampleLoss(out, r, perElement, loss);
    total += loss;
    if (grad) store<f32>(gradRow + (<usize>y << 2), -(slopeSum - slopeY) * perClass);
  }
  if (!perElement) store<f32>(out, <f32>total);
}

// out[r, c] = grad[r, c] * upstream[r]: the saved gradient times the upstream gradient, one
// upstream value per loss (rows 1 after a reduction; one row per element or sample for 'none').
export function lossBackward(grad: usize, upstream: usize, rows: i32, cols: i32, out: usize): void {
  if (cols == 1) {
    let i = 0;
    for (; i + 4 <= rows; i += 4) {
      const off = <usize>i << 2;
      v128.store(out + off, f32x4.mul(v128.load(grad + off), v128.load(upstream + off)));
    }
    for (; i < rows; i++) {
      const off = <usize>i << 2;
      store<f32>(out + off, load<f32>(grad + off) * load<f32>(upstream + off));
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const us = load<f32>(upstream + (<usize>r << 2));
    const u = f32x4.splat(us);
    const rowOffset = <usize>(r * cols) << 2;
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const off = rowOffset + (<usize>c << 2);
      v128.store(out + off, f32x4.mul(v128.load(grad + off), u));
    }
    for (; c < cols; c++) {
      const off = rowOffset + (<usize>c << 2);
      store<f32>(out + off, load<f32>(grad + off) * us);
    }
  }
}
