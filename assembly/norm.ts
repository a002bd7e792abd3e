// Batch, layer and group normalization, forward and backward, fused.
// Batch norm views its input as [batch, channels, spatial] (spatial = H*W, L, or 1) and keeps a
// mean and an inverse standard deviation per channel; layer norm views its input as
// [rows, features] and keeps them per row; group norm views its input as [batch * groups,
// channels / groups * spatial] rows, normalized like layer norm's, with a per-channel affine. Backward reads those instead of recomputing them.
// When spatial is 1 ([N, C] input) a channel's values are strided, so those paths run the
// vectors across channels instead of along a plane.

import { affine } from './elementwise';

// Every variance here is two-pass: a first pass estimates the mean, a second sums the
// deviations d = x - estimate and their squares. Then mean = estimate + mean(d) and
// variance = mean(d^2) - mean(d)^2, where mean(d) is tiny, so nothing cancels (a one-pass
// E[(x - x0)^2] - E[x - x0]^2 lost 5e-4 of a normalized row whose x0 was far from the rest).

// Results of deviationMoments: a kernel cannot return two values without allocating.
let deviationSum: f32 = 0;
let squaredDeviations: f32 = 0;

@inline function horizontalSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

// The loops below keep two or four independent accumulators so that they are not bound by
// the latency of one chain of additions.
@inline function contiguousSum(row: usize, n: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const at = row + (<usize>i << 2);
    s0 = f32x4.add(s0, v128.load(at));
    s1 = f32x4.add(s1, v128.load(at, 16));
    s2 = f32x4.add(s2, v128.load(at, 32));
    s3 = f32x4.add(s3, v128.load(at, 48));
  }
  for (; i + 4 <= n; i += 4) s0 = f32x4.add(s0, v128.load(row + (<usize>i << 2)));
  let s = horizontalSum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
  for (; i < n; i++) s += load<f32>(row + (<usize>i << 2));
  return s;
}

// Sums of (x - center) and (x - center)^2 over n contiguous values.
@inline function deviationMoments(row: usize, n: i32, center: f32): void {
  const cv = f32x4.splat(center);
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let q0 = f32x4.splat(0);
  let q1 = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const at = row + (<usize>i << 2);
    const d0 = f32x4.sub(v128.load(at), cv);
    const d1 = f32x4.sub(v128.load(at, 16), cv);
    s0 = f32x4.add(s0, d0);
    s1 = f32x4.add(s1, d1);
    q0 = f32x4.add(q0, f32x4.mul(d0, d0));
    q1 = f32x4.add(q1, f32x4.mul(d1, d1));
  }
  for (; i + 4 <= n; i += 4) {
    const d = f32x4.sub(v128.load(row + (<usize>i << 2)), cv);
    s0 = f32x4.add(s0, d);
    q0 = f32x4.add(q0, f32x4.mul(d, d));
  }
  let s = horizontalSum(f32x4.add(s0, s1));
  let q = horizontalSum(f32x4.add(q0, q1));
  for (; i < n; i++) {
    const d = load<f32>(row + (<usize>i << 2)) - center;
    s += d;
    q += d * d;
  }
  deviationSum = s;
  squaredDeviations = q;
}

// mean[c] and biased variance[c] over batch and spatial, for spatial > 1.
function planeMoments(x: usize, mean: usize, variance: usize, batch: i32, channels: i32, spatial: i32): void {
  const count = <f64>batch * <f64>spatial;
  for (let c = 0; c < channels; c++) {
    let total: f64 = 0;
    for (let b = 0; b < batch; b++) total += contiguousSum(x + ((<usize>(b * channels + c) * <usize>spatial) << 2), spatial);
    const estimate = <f32>(total / count);
    let sum: f64 = 0;
    let squares: f64 = 0;
    for (let b = 0; b < batch; b++) {
      deviationMoments(x + ((<usize>(b * channels + c) * <usize>spatial) << 2), spatial, estimate);
      sum += deviationSum;
      squares += squaredDeviations;
    }
    const correction = sum / count;
    store<f32>(mean + (<usize>c << 2), <f32>(<f64>estimate + correction));
    store<f32>(variance + (<usize>c << 2), <f32>max<f64>(squares / count - correction * correction, 0));
  }
}

// [batch, channels] input is walked in chunks of ROWS_PER_CHUNK rows: each block of four
// channels is summed down the chunk in registers, then added to the totals in memory once. A
// chunk stays in L1, the totals are loaded and stored once per chunk rather than once per row,
// and each total rounds batch / ROWS_PER_CHUNK times in a row rather than batch times.
const ROWS_PER_CHUNK = 16;

// mean[c] and biased variance[c] for [batch, channels] input (spatial 1), whose rows run
// across channels. The sums of squares live in the first row of `out` (written only later),
// the sums of deviations, small by construction, in `variance`.
function rowMoments(x: usize, out: usize, mean: usize, variance: usize, batch: i32, channels: i32): void {
  const bytes = <usize>channels << 2;
  const sums = variance;
  const squares = out;
  memory.fill(mean, 0, bytes);
  for (let first = 0; first < batch; first += ROWS_PER_CHUNK) {
    addColumnSums(x + <usize>first * bytes, bytes, min(ROWS_PER_CHUNK, batch - first), channels, mean);
  }
  affine(mean, mean, channels, 1 / <f32>batch, 0);
  memory.fill(sums, 0, bytes);
  memory.fill(squares, 0, bytes);
  for (let first = 0; first < batch; first += ROWS_PER_CHUNK) {
    addColumnDeviations(x + <usize>first * bytes, bytes, min(ROWS_PER_CHUNK, batch - first), channels, mean, sums, squares);
  }
  for (let c = 0; c < channels; c++) {
    const off = <usize>c << 2;
    const correction = load<f32>(sums + off) / <f32>batch;
    store<f32>(mean + off, load<f32>(mean + off) + correction);
    store<f32>(variance + off, max<f32>(load<f32>(squares + off) / <f32>batch - correction * correction, 0));
  }
}

// totals[c] += sum over `rows` rows (starting at x, `stride` bytes apart) of x[r, c].
@inline function addColumnSums(x: usize, stride: usize, rows: i32, channels: i32, totals: usize): void {
  let c = 0;
  for (; c + 4 <= channels; c += 4) {
    const off = <usize>c << 2;
    let acc = v128.load(x + off);
    for (let r = 1; r < rows; r++) acc = f32x4.add(acc, v128.load(x + <usize>r * stride + off));
    v128.store(totals + off, f32x4.add(v128.load(totals + off), acc));
  }
  for (; c < channels; c++) {
    const off = <usize>c << 2;
    let acc: f32 = 0;
    for (let r = 0; r < rows; r++) acc += load<f32>(x + <usize>r * stride + off);
    store<f32>(totals + off, load<f32>(totals + off) + acc);
  }
}

// sums[c] += sum of d and squares[c] += sum of d^2, d = x[r, c] - center[c], over `rows` rows.
@inline function addColumnDeviations(x: usize, stride: usize, rows: i32, channels: i32, center: usize, sums: usize, squares: usize): void {
  let c = 0;
  for (; c + 4 <= channels; c += 4) {
    const off = <usize>c << 2;
    const cv = v128.load(center + off);
    let s = f32x4.splat(0);
    let q = f32x4.splat(0);
    for (let r = 0; r < rows; r++) {
      const d = f32x4.sub(v128.load(x + <usize>r * stride + off), cv);
      s = f32x4.add(s, d);
      q = f32x4.add(q, f32x4.mul(d, d));
    }
    v128.store(sums + off, f32x4.add(v128.load(sums + off), s));
    v128.store(squares + off, f32x4.add(v128.load(squares + off), q));
  }
  for (; c < channels; c++) {
    const off = <usize>c << 2;
    const center0 = load<f32>(center + off);
    let s: f32 = 0;
    let q: f32 = 0;
    for (let r = 0; r < rows; r++) {
      const d = load<f32>(x + <usize>r * stride + off) - center0;
      s += d;
      q += d * d;
    }
    store<f32>(sums + off, load<f32>(sums + off) + s);
    store<f32>(squares + off, load<f32>(squares + off) + q);
  }
}

// out = (x - mean[c]) * invStd[c] * weight[c] + bias[c]
function normalizeChannels(x: usize, out: usize, mean: usize, invStd: usize, weight: usize, bias: usize, batch: i32, channels: i32, spatial: i32): void {
  if (spatial == 1) {
    normalizeRowsOfChannels(x, out, mean, invStd, weight, bias, batch, channels);
    return;
  }
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      const off = <usize>c << 2;
      const scale = load<f32>(invStd + off) * load<f32>(weight + off);
      const shift = load<f32>(bias + off) - load<f32>(mean + off) * scale;
      const plane = (<usize>(b * channels + c) * <usize>spatial) << 2;
      affine(x + plane, out + plane, spatial, scale, shift);
    }
  }
}

function normalizeRowsOfChannels(x: usize, out: usize, mean: usize, invStd: usize, weight: usize, bias: usize, batch: i32, channels: i32): void {
  const bytes = <usize>channels << 2;
  for (let b = 0; b < batch; b++) {
    const row = <usize>b * bytes;
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const off = <usize>c << 2;
      const scale = f32x4.mul(v128.load(invStd + off), v128.load(weight + off));
      const centered = f32x4.sub(v128.load(x + row + off), v128.load(mean + off));
      v128.store(out + row + off, f32x4.add(f32x4.mul(centered, scale), v128.load(bias + off)));
    }
    for (; c < channels; c++) {
      const off = <usize>c << 2;
      const scale = load<f32>(invStd + off) * load<f32>(weight + off);
      store<f32>(out + row + off, (load<f32>(x + row + off) - load<f32>(mean + off)) * scale + load<f32>(bias + off));
    }
  }
}

// Normalizes with the batch statistics, saves mean and 1/sqrt(var + eps) per channel, and
// moves the running statistics (when runningMean is not 0) towards the batch's, using the
// unbiased variance for runningVar as PyTorch does.
export function batchNormForwardTraining(
  x: usize, out: usize, weight: usize, bias: usize, mean: usize, invStd: usize, runningMean: usize, runningVar: usize,
  batch: i32, channels: i32, spatial: i32, momentum: f32, eps: f32,
): void {
  if (spatial == 1) rowMoments(x, out, mean, invStd, batch, channels);
  else planeMoments(x, mean, invStd, batch, channels, spatial);
  const count = <f64>batch * <f64>spatial;
  const unbias = count / (count - 1);
  for (let c = 0; c < channels; c++) {
    const off = <usize>c << 2;
    const variance = load<f32>(invStd + off);
    if (runningMean != 0) {
      store<f32>(runningMean + off, (1 - momentum) * load<f32>(runningMean + off) + momentum * load<f32>(mean + off));
      store<f32>(runningVar + off, <f32>((1 - <f64>momentum) * <f64>load<f32>(runningVar + off) + <f64>momentum * <f64>variance * unbias));
    }
    store<f32>(invStd + off, 1 / Mathf.sqrt(variance + eps));
  }
  normalizeChannels(x, out, mean, invStd, weight, bias, batch, channels, spatial);
}

// Normalizes with the running statistics and saves them as mean and 1/sqrt(var + eps).
export function batchNormForwardEval(
  x: usize, out: usize, weight: usize, bias: usize, runningMean: usize, runningVar: usize, mean: usize, invStd: usize,
  batch: i32, channels: i32, spatial: i32, eps: f32,
): void {
  for (let c = 0; c < channels; c++) {
    const off = <usize>c << 2;
    store<f32>(mean + off, load<f32>(runningMean + off));
    store<f32>(invStd + off, 1 / Mathf.sqrt(load<f32>(runningVar + off) + eps));
  }
  normalizeChannels(x, out, mean, invStd, weight, bias, batch, channels, spatial);
}

// gradBias[c] = sum g, gradWeight[c] = sum g * xhat, over batch and spatial.
function planeGradSums(x: usize, grad: usize, mean: usize, invStd: usize, gradWeight: usize, gradBias: usize, batch: i32, channels: i32, spatial: i32): void {
  for (let c = 0; c < channels; c++) {
    const off = <usize>c << 2;
    const m = load<f32>(mean + off);
    const mv = f32x4.splat(m);
    let sumGrad: f64 = 0;
    let sumGradCentered: f64 = 0;
    for (let b = 0; b < batch; b++) {
      const plane = (<usize>(b * channels + c) * <usize>spatial) << 2;
      let gs = f32x4.splat(0);
      let gc = f32x4.splat(0);
      let i = 0;
      for (; i + 4 <= spatial; i += 4) {
        const at = plane + (<usize>i << 2);
        const g = v128.load(grad + at);
        gs = f32x4.add(gs, g);
        gc = f32x4.add(gc, f32x4.mul(g, f32x4.sub(v128.load(x + at), mv)));
      }
      let s = horizontalSum(gs);
      let sc = horizontalSum(gc);
      for (; i < spatial; i++) {
        const at = plane + (<usize>i << 2);
        const g = load<f32>(grad + at);
        s += g;
        sc += g * (load<f32>(x + at) - m);
      }
      sumGrad += s;
      sumGradCentered += sc;
    }
    store<f32>(gradBias + off, <f32>sumGrad);
    store<f32>(gradWeight + off, <f32>sumGradCentered * load<f32>(invStd + off));
  }
}

function rowGradSums(x: usize, grad: usize, mean: usize, invStd: usize, gradWeight: usize, gradBias: usize, batch: i32, channels: i32): void {
  const bytes = <usize>channels << 2;
  memory.fill(gradWeight, 0, bytes);
  memory.fill(gradBias, 0, bytes);
  for (let b = 0; b < batch; b++) {
    const row = <usize>b * bytes;
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const off = <usize>c << 2;
      const g = v128.load(grad + row + off);
      v128.store(gradBias + off, f32x4.add(v128.load(gradBias + off), g));
      const centered = f32x4.sub(v128.load(x + row + off), v128.load(mean + off));
      v128.store(gradWeight + off, f32x4.add(v128.load(gradWeight + off), f32x4.mul(g, centered)));
    }
    for (; c < channels; c++) {
      const off = <usize>c << 2;
      const g = load<f32>(grad + row + off);
      store<f32>(gradBias + off, load<f32>(gradBias + off) + g);
      store<f32>(gradWeight + off, load<f32>(gradWeight + off) + g * (load<f32>(x + row + off) - load<f32>(mean + off)));
    }
  }
  for (let c = 0; c < channels; c++) {
    const off = <usize>c << 2;
    store<f32>(gradWeight + off, load<f32>(gradWeight + off) * load<f32>(invStd + off));
  }
}

// gradInput = a*g + k*(x - mean) + shift per channel, where with batch statistics (training)
// a = weight*invStd, k = -a*invStd*gradWeight/count, shift = -a*gradBias/count; with running
// statistics only a*g remains, so the caller passes perCount = 0.
function planeInputGrad(
  x: usize, grad: usize, mean: usize, invStd: usize, weight: usize, gradWeight: usize, gradBias: usize, gradInput: usize,
  batch: i32, channels: i32, spatial: i32, perCount: f32,
): void {
  for (let c = 0; c < channels; c++) {
    const off = <usize>c << 2;
    const m = load<f32>(mean + off);
    const a = load<f32>(weight + off) * load<f32>(invStd + off);
    const k = -a * load<f32>(invStd + off) * load<f32>(gradWeight + off) * perCount;
    const shift = -a * load<f32>(gradBias + off) * perCount;
    const av = f32x4.splat(a);
    const kv = f32x4.splat(k);
    const sv = f32x4.splat(shift);
    const mv = f32x4.splat(m);
    for (let b = 0; b < batch; b++) {
      const plane = (<usize>(b * channels + c) * <usize>spatial) << 2;
      let i = 0;
      for (; i + 4 <= spatial; i += 4) {
        const at = plane + (<usize>i << 2);
        const centered = f32x4.sub(v128.load(x + at), mv);
        v128.store(gradInput + at, f32x4.add(f32x4.add(f32x4.mul(av, v128.load(grad + at)), f32x4.mul(kv, centered)), sv));
      }
      for (; i < spatial; i++) {
        const at = plane + (<usize>i << 2);
        store<f32>(gradInput + at, a * load<f32>(grad + at) + k * (load<f32>(x + at) - m) + shift);
      }
    }
  }
}

function rowInputGrad(
  x: usize, grad: usize, mean: usize, invStd: usize, weight: usize, gradWeight: usize, gradBias: usize, gradInput: usize,
  batch: i32, channels: i32, perCount: f32,
): void {
  const bytes = <usize>channels << 2;
  const pv = f32x4.splat(-perCount);
  for (let b = 0; b < batch; b++) {
    const row = <usize>b * bytes;
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const off = <usize>c << 2;
      const is = v128.load(invStd + off);
      const a = f32x4.mul(v128.load(weight + off), is);
      const negA = f32x4.mul(a, pv);
      const k = f32x4.mul(f32x4.mul(negA, is), v128.load(gradWeight + off));
      const shift = f32x4.mul(negA, v128.load(gradBias + off));
      const centered = f32x4.sub(v128.load(x + row + off), v128.load(mean + off));
      v128.store(gradInput + row + off, f32x4.add(f32x4.add(f32x4.mul(a, v128.load(grad + row + off)), f32x4.mul(k, centered)), shift));
    }
    for (; c < channels; c++) {
      const off = <usize>c << 2;
      const is = load<f32>(invStd + off);
      const a = load<f32>(weight + off) * is;
      const k = -a * is * load<f32>(gradWeight + off) * perCount;
      const shift = -a * load<f32>(gradBias + off) * perCount;
      store<f32>(gradInput + row + off, a * load<f32>(grad + row + off) + k * (load<f32>(x + row + off) - load<f32>(mean + off)) + shift);
    }
  }
}

// Always writes gradWeight and gradBias (the input gradient needs them); writes gradInput
// unless it is 0. `training` says whether mean and invStd were the batch's own statistics.
export function batchNormBackward(
  x: usize, grad: usize, mean: usize, invStd: usize, weight: usize, gradInput: usize, gradWeight: usize, gradBias: usize,
  batch: i32, channels: i32, spatial: i32, training: i32,
): void {
  if (spatial == 1) rowGradSums(x, grad, mean, invStd, gradWeight, gradBias, batch, channels);
  else planeGradSums(x, grad, mean, invStd, gradWeight, gradBias, batch, channels, spatial);
  if (gradInput == 0) return;
  const perCount: f32 = training ? <f32>(1 / (<f64>batch * <f64>spatial)) : 0;
  if (spatial == 1) rowInputGrad(x, grad, mean, invStd, weight, gradWeight, gradBias, gradInput, batch, channels, perCount);
  else planeInputGrad(x, grad, mean, invStd, weight, gradWeight, gradBias, gradInput, batch, channels, spatial, perCount);
}

// The mean of n contiguous values and 1 / sqrt(biased variance + eps), stored at meanAt and invStdAt.
@inline function storeRowMoments(row: usize, n: i32, eps: f32, meanAt: usize, invStdAt: usize): void {
  const estimate = contiguousSum(row, n) / <f32>n;
  deviationMoments(row, n, estimate);
  const correction = deviationSum / <f32>n;
  store<f32>(meanAt, estimate + correction);
  store<f32>(invStdAt, 1 / Mathf.sqrt(max<f32>(squaredDeviations / <f32>n - correction * correction, 0) + eps));
}

// Per row: out = (x - mean) * invStd * weight + bias, weight and bias elementwise over features.
export function layerNormForward(
  x: usize, out: usize, weight: usize, bias: usize, mean: usize, invStd: usize, rows: i32, features: i32, eps: f32,
): void {
  for (let r = 0; r < rows; r++) {
    const row = (<usize>r * <usize>features) << 2;
    storeRowMoments(x + row, features, eps, mean + (<usize>r << 2), invStd + (<usize>r << 2));
    const m = load<f32>(mean + (<usize>r << 2));
    const is = load<f32>(invStd + (<usize>r << 2));
    const mv = f32x4.splat(m);
    const iv = f32x4.splat(is);
    let i = 0;
    for (; i + 4 <= features; i += 4) {
      const off = <usize>i << 2;
      const normalized = f32x4.mul(f32x4.sub(v128.load(x + row + off), mv), iv);
      v128.store(out + row + off, f32x4.add(f32x4.mul(normalized, v128.load(weight + off)), v128.load(bias + off)));
    }
    for (; i < features; i++) {
      const off = <usize>i << 2;
      store<f32>(out + row + off, (load<f32>(x + row + off) - m) * is * load<f32>(weight + off) + load<f32>(bias + off));
    }
  }
}

// With h = g * weight: gradInput = invStd * (h - mean(h) - xhat * mean(h * xhat)) per row.
function layerNormRowInputGrad(x: usize, grad: usize, weight: usize, gradInput: usize, features: i32, m: f32, is: f32): void {
  const mv = f32x4.splat(m);
  let hs = f32x4.splat(0);
  let hc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= features; i += 4) {
    const off = <usize>i << 2;
    const h = f32x4.mul(v128.load(grad + off), v128.load(weight + off));
    hs = f32x4.add(hs, h);
    hc = f32x4.add(hc, f32x4.mul(h, f32x4.sub(v128.load(x + off), mv)));
  }
  let sumH = horizontalSum(hs);
  let sumHCentered = horizontalSum(hc);
  for (; i < features; i++) {
    const off = <usize>i << 2;
    const h = load<f32>(grad + off) * load<f32>(weight + off);
    sumH += h;
    sumHCentered += h * (load<f32>(x + off) - m);
  }
  const k = -is * is * is * sumHCentered / <f32>features;
  const shift = -is * sumH / <f32>features;
  const iv = f32x4.splat(is);
  const kv = f32x4.splat(k);
  const sv = f32x4.splat(shift);
  i = 0;
  for (; i + 4 <= features; i += 4) {
    const off = <usize>i << 2;
    const h = f32x4.mul(v128.load(grad + off), v128.load(weight + off));
    const centered = f32x4.sub(v128.load(x + off), mv);
    v128.store(gradInput + off, f32x4.add(f32x4.add(f32x4.mul(iv, h), f32x4.mul(kv, centered)), sv));
  }
  for (; i < features; i++) {
    const off = <usize>i << 2;
    const h = load<f32>(grad + off) * load<f32>(weight + off);
    store<f32>(gradInput + off, is * h + k * (load<f32>(x + off) - m) + shift);
  }
}

// gradWeight += g * xhat, gradBias += g for one row.
function layerNormRowAffineGrad(x: usize, grad: usize, gradWeight: usize, gradBias: usize, features: i32, m: f32, is: f32): void {
  const mv = f32x4.splat(m);
  const iv = f32x4.splat(is);
  let i = 0;
  for (; i + 4 <= features; i += 4) {
    const off = <usize>i << 2;
    const g = v128.load(grad + off);
    const normalized = f32x4.mul(f32x4.sub(v128.load(x + off), mv), iv);
    v128.store(gradWeight + off, f32x4.add(v128.load(gradWeight + off), f32x4.mul(g, normalized)));
    v128.store(gradBias + off, f32x4.add(v128.load(gradBias + off), g));
  }
  for (; i < features; i++) {
    const off = <usize>i << 2;
    const g = load<f32>(grad + off);
    store<f32>(gradWeight + off, load<f32>(gradWeight + off) + g * (load<f32>(x + off) - m) * is);
    store<f32>(gradBias + off, load<f32>(gradBias + off) + g);
  }
}

// Writes gradInput unless it is 0, and gradWeight and gradBias unless gradWeight is 0.
export function layerNormBackward(
  x: usize, grad: usize, mean: usize, invStd: usize, weight: usize, gradInput: usize, gradWeight: usize, gradBias: usize,
  rows: i32, features: i32,
): void {
  if (gradWeight != 0) {
    memory.fill(gradWeight, 0, <usize>features << 2);
    memory.fill(gradBias, 0, <usize>features << 2);
  }
  for (let r = 0; r < rows; r++) {
    const row = (<usize>r * <usize>features) << 2;
    const m = load<f32>(mean + (<usize>r << 2));
    const is = load<f32>(invStd + (<usize>r << 2));
    if (gradInput != 0) layerNormRowInputGrad(x + row, grad + row, weight, gradInput + row, features, m, is);
    if (gradWeight != 0) layerNormRowAffineGrad(x + row, grad + row, gradWeight, gradBias, features, m, is);
  }
}

// Per sample n and group g (row n * groups + g of mean and invStd): out = (x - mean) * invStd *
// weight[c] + bias[c] for each channel c of the group.
export function groupNormForward(
  x: usize, out: usize, weight: usize, bias: usize, mean: usize, invStd: usize, batch: i32, channels: i32, groups: i32, spatial: i32, eps: f32,
): void {
  const groupChannels = channels / groups;
  const features = groupChannels * spatial;
  for (let r = 0; r < batch * groups; r++) {
    const row = (<usize>r * <usize>features) << 2;
    storeRowMoments(x + row, features, eps, mean + (<usize>r << 2), invStd + (<usize>r << 2));
    const m = load<f32>(mean + (<usize>r << 2));
    const is = load<f32>(invStd + (<usize>r << 2));
    const firstChannel = (r % groups) * groupChannels;
    for (let c = 0; c < groupChannels; c++) {
      const scale = is * load<f32>(weight + (<usize>(firstChannel + c) << 2));
      const shift = load<f32>(bias + (<usize>(firstChannel + c) << 2));
      const plane = row + ((<usize>c * <usize>spatial) << 2);
      const mv = f32x4.splat(m);
      const sv = f32x4.splat(scale);
      const bv = f32x4.splat(shift);
      let i = 0;
      for (; i + 4 <= spatial; i += 4) {
        const off = plane + (<usize>i << 2);
        v128.store(out + off, f32x4.add(f32x4.mul(f32x4.sub(v128.load(x + off), mv), sv), bv));
      }
      for (; i < spatial; i++) {
        const off = plane + (<usize>i << 2);
        store<f32>(out + off, (load<f32>(x + off) - m) * scale + shift);
      }
    }
  }
}

// Results of planeGradMoments.
let gradSum: f32 = 0;
let gradCenteredSum: f32 = 0;

// Sums of g and of g * (x - m) over n contiguous values.
@inline function planeGradMoments(x: usize, grad: usize, n: i32, m: f32): void {
  const mv = f32x4.splat(m);
  let gs = f32x4.splat(0);
  let gc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const g = v128.load(grad + off);
    gs = f32x4.add(gs, g);
    gc = f32x4.add(gc, f32x4.mul(g, f32x4.sub(v128.load(x + off), mv)));
  }
  let sg = horizontalSum(gs);
  let sgc = horizontalSum(gc);
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const g = load<f32>(grad + off);
    sg += g;
    sgc += g * (load<f32>(x + off) - m);
  }
  gradSum = sg;
  gradCenteredSum = sgc;
}

// As layer norm's, per row with h = g * weight[c]: gradInput = invStd * (h - mean(h) - xhat *
// mean(h * xhat)); gradWeight[c] = sum of g * xhat and gradBias[c] = sum of g over the batch and
// the channel's positions. Writes gradInput unless it is 0, gradWeight and gradBias unless
// gradWeight is 0.
export function groupNormBackward(
  x: usize, grad: usize, mean: usize, invStd: usize, weight: usize, gradInput: usize, gradWeight: usize, gradBias: usize,
  batch: i32, channels: i32, groups: i32, spatial: i32,
): void {
  const groupChannels = channels / groups;
  const features = groupChannels * spatial;
  if (gradWeight != 0) {
    memory.fill(gradWeight, 0, <usize>channels << 2);
    memory.fill(gradBias, 0, <usize>channels << 2);
  }
  for (let r = 0; r < batch * groups; r++) {
    const row = (<usize>r * <usize>features) << 2;
    const m = load<f32>(mean + (<usize>r << 2));
    const is = load<f32>(invStd + (<usize>r << 2));
    const firstChannel = (r % groups) * groupChannels;
    let sumH: f32 = 0;
    let sumHCentered: f32 = 0;
    for (let c = 0; c < groupChannels; c++) {
      const at = <usize>(firstChannel + c) << 2;
      planeGradMoments(x + row + ((<usize>c * <usize>spatial) << 2), grad + row + ((<usize>c * <usize>spatial) << 2), spatial, m);
      const w = load<f32>(weight + at);
      sumH += w * gradSum;
      sumHCentered += w * gradCenteredSum;
      if (gradWeight != 0) {
        store<f32>(gradWeight + at, load<f32>(gradWeight + at) + gradCenteredSum * is);
        store<f32>(gradBias + at, load<f32>(gradBias + at) + gradSum);
      }
    }
    if (gradInput == 0) continue;
    const k = -is * is * is * sumHCentered / <f32>features;
    const shift = -is * sumH / <f32>features;
    for (let c = 0; c < groupChannels; c++) {
      const plane = row + ((<usize>c * <usize>spatial) << 2);
      const scale = is * load<f32>(weight + (<usize>(firstChannel + c) << 2));
      const mv = f32x4.splat(m);
      const sv = f32x4.splat(scale);
      const kv = f32x4.splat(k);
      const tv = f32x4.splat(shift);
      let i = 0;
      for (; i + 4 <= spatial; i += 4) {
        const off = plane + (<usize>i << 2);
        const centered = f32x4.sub(v128.load(x + off), mv);
        v128.store(gradInput + off, f32x4.add(f32x4.add(f32x4.mul(sv, v128.load(grad + off)), f32x4.mul(kv, centered)), tv));
      }
      for (; i < spatial; i++) {
        const off = plane + (<usize>i << 2);
        store<f32>(gradInput + off, scale * load<f32>(grad + off) + k * (load<f32>(x + off) - m) + shift);
      }
    }
  }
}
