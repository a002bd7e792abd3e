// Fused optimizer updates over many parameter tensors in one call, as PyTorch's foreach path:
// each reads a parameter, its gradient and its state buffers once and writes them back in place,
// with PyTorch's update rules (SGD, Adam/AdamW, RMSprop, Adagrad, Adamax, NAdam, RAdam, Adadelta).
//
// The host writes a table into linear memory, one fixed-size entry of 32-bit words per tensor,
// the same layout for every update: the tensor's addresses (param, grad, then its state buffers;
// 0 for an absent one), its element count n, then the words that differ between tensors of one
// param group (f32 coefficients, e.g. Adam's bias corrections, which follow each parameter's own
// step count). Coefficients the whole group shares are call arguments. Like the kernels' other
// inputs, the coefficients (such as 1 - beta) are computed by the host in float64, as PyTorch
// computes them in Python floats.
//
// Every update is written once, over four lanes, and runs inside one driver (stepTensors): the
// walk over the table, the vector loop and the tail. The tail runs the update with one live lane
// (load32_zero / store32_lane), so the vector and scalar paths cannot drift apart. Each kernel
// updates the elements [begin, end) of the table's tensors laid end to end, so that threads can
// share one table by element chunks: every element is updated on its own, so any split gives the
// same bits.

import { allValuesFinite } from './finite';

const WORD: usize = 4;

@inline function addressAt(entry: usize, word: usize): usize {
  return <usize>load<u32>(entry + word * WORD);
}

@inline function sizeAt(entry: usize, word: usize): i32 {
  return load<i32>(entry + word * WORD);
}

@inline function coefficientAt(entry: usize, word: usize): f32 {
  return load<f32>(entry + word * WORD);
}

@inline function ld(ptr: usize, tail: bool): v128 {
  return tail ? v128.load32_zero(ptr) : v128.load(ptr);
}

@inline function st(ptr: usize, value: v128, tail: bool): void {
  if (tail) v128.store32_lane(ptr, value, 0);
  else v128.store(ptr, value);
}

// d = gradSign * g + weightDecay * p: the gradient after `maximize` and L2 weight decay.
@inline function effectiveGrad(g: v128, p: v128, gradSign: v128, weightDecay: v128): v128 {
  return f32x4.add(f32x4.mul(gradSign, g), f32x4.mul(weightDecay, p));
}

// decay * state + gain * x, written back to the state buffer at `at` and returned: every running
// average (momentum, the moments, the squared averages) is this update.
@inline function runningAverage(at: usize, tail: bool, decay: v128, gain: v128, x: v128): v128 {
  const average = f32x4.add(f32x4.mul(decay, ld(at, tail)), f32x4.mul(gain, x));
  st(at, average, tail);
  return average;
}

// Which update stepTensors runs. Each kernel passes its own as a constant, so once the driver is
// inlined the optimizer keeps only that update's branch.
const SGD = 0;
const ADAM = 1;
const RMSPROP = 2;
const ADAGRAD = 3;
const ADAMAX = 4;
const NADAM = 5;
const RADAM = 6;
const ADADELTA = 7;

// An unused hyper-parameter slot.
const NONE = f32x4.splat(0);

// How many addresses open an update's entry (param, grad and its state buffers).
@inline function addressCount(update: i32): usize {
  if (update == SGD || update == ADAGRAD) return 3;
  if (update == ADAM || update == RMSPROP) return 5;
  return 4;
}

// How many per-tensor words follow n in an update's entry.
@inline function perTensorWords(update: i32): usize {
  if (update == NADAM) return 3;
  if (update == SGD || update == ADAM || update == RADAM) return 2;
  if (update == ADAGRAD || update == ADAMAX) return 1;
  return 0;
}

@inline function wordOrZero(entry: usize, word: usize, present: bool): usize {
  return present ? addressAt(entry, word) : 0;
}

@inline function coefficientOrZero(entry: usize, word: usize, present: bool): v128 {
  return f32x4.splat(present ? coefficientAt(entry, word) : 0);
}

// The part [from, to) of a tensor of n elements, starting at `start` in a list's tensors laid end
// to end, that lies in the range [begin, end) of that list (none when from >= to).
@inline function spanFrom(begin: i32, start: i32): i32 {
  return max(begin - start, 0);
}

@inline function spanTo(end: i32, start: i32, n: i32): i32 {
  return min(end - start, n);
}

// Updates the elements [begin, end) of the table's tensors laid end to end. h0..h7 are the
// kernel's shared hyper-parameters in the order of its arguments, `flag` its boolean one.
@inline function stepTensors(
  update: i32, table: usize, count: i32, begin: i32, end: i32, flag: bool,
  h0: v128, h1: v128, h2: v128, h3: v128, h4: v128, h5: v128, h6: v128, h7: v128,
): void {
  const addresses = addressCount(update);
  const extra = perTensorWords(update);
  const entryBytes = (addresses + 1 + extra) * WORD;
  let start = 0;
  for (let e = 0; e < count && start < end; e++) {
    const entry = table + <usize>e * entryBytes;
    const n = sizeAt(entry, addresses);
    const from = spanFrom(begin, start);
    const to = spanTo(end, start, n);
    start += n;
    if (from >= to) continue;
    const a0 = addressAt(entry, 0);
    const a1 = addressAt(entry, 1);
    const a2 = addressAt(entry, 2);
    const a3 = wordOrZero(entry, 3, addresses > 3);
    const a4 = wordOrZero(entry, 4, addresses > 4);
    const c0 = coefficientOrZero(entry, addresses + 1, extra > 0);
    const c1 = coefficientOrZero(entry, addresses + 2, extra > 1);
    const c2 = coefficientOrZero(entry, addresses + 3, extra > 2);
    const adaptive = update == RADAM && sizeAt(entry, addresses + 1) != 0;
    let i = from;
    for (; i + 4 <= to; i += 4) updateLanes(update, <usize>i << 2, false, a0, a1, a2, a3, a4, c0, c1, c2, flag || adaptive, h0, h1, h2, h3, h4, h5, h6, h7);
    for (; i < to; i++) updateLanes(update, <usize>i << 2, true, a0, a1, a2, a3, a4, c0, c1, c2, flag || adaptive, h0, h1, h2, h3, h4, h5, h6, h7);
  }
}

// One update on four lanes at byte offset `off`: a0..a4 the entry's addresses, c0..c2 its
// per-tensor coefficients (RAdam's stepSize is c1, after its adaptive word), h0..h7 the kernel's
// hyper-parameters, `flag` Nesterov for SGD and adaptive for RAdam.
@inline function updateLanes(
  update: i32, off: usize, tail: bool, a0: usize, a1: usize, a2: usize, a3: usize, a4: usize, c0: v128, c1: v128, c2: v128, flag: bool,
  h0: v128, h1: v128, h2: v128, h3: v128, h4: v128, h5: v128, h6: v128, h7: v128,
): void {
  if (update == SGD) sgdLanes(off, tail, a0, a1, a2, h0, h1, h2, h3, c0, c1, flag);
  else if (update == ADAM) adamLanes(off, tail, a0, a1, a2, a3, a4, h0, h1, h2, h3, h4, h5, h6, c0, c1, h7);
  else if (update == RMSPROP) rmspropLanes(off, tail, a0, a1, a2, a3, a4, h0, h1, h2, h3, h4, h5, h6);
  else if (update == ADAGRAD) adagradLanes(off, tail, a0, a1, a2, c0, h0, h1, h2);
  else if (update == ADAMAX) adamaxLanes(off, tail, a0, a1, a2, a3, h0, h1, h2, h3, h4, h5, c0);
  else if (update == NADAM) nadamLanes(off, tail, a0, a1, a2, a3, h0, h1, h2, h3, h4, h5, h6, h7, c0, c1, c2);
  else if (update == RADAM) radamLanes(off, tail, a0, a1, a2, a3, h0, h1, h2, h3, h4, h5, h6, h7, c1, flag);
  else adadeltaLanes(off, tail, a0, a1, a2, a3, h0, h1, h2, h3, h4, h5);
}

@inline function sgdLanes(
  off: usize, tail: bool, param: usize, grad: usize, buf: usize,
  lr: v128, gradSign: v128, weightDecay: v128, momentum: v128, bufDecay: v128, bufGain: v128, nesterov: bool,
): void {
  const p = ld(param + off, tail);
  let d = effectiveGrad(ld(grad + off, tail), p, gradSign, weightDecay);
  if (buf != 0) {
    const b = runningAverage(buf + off, tail, bufDecay, bufGain, d);
    d = nesterov ? f32x4.add(d, f32x4.mul(momentum, b)) : b;
  }
  st(param + off, f32x4.sub(p, f32x4.mul(lr, d)), tail);
}
// SGD with optional momentum. Entry: param, grad, momentum buffer (0 without momentum), n,
// bufDecay, bufGain. On the buffer's first step the host writes bufDecay 0 and bufGain 1
// (buf = d, as PyTorch's clone); afterwards momentum and 1 - dampening.
export function sgdStepTensors(
  table: usize, count: i32, lr: f32, gradSign: f32, weightDecay: f32, momentum: f32, nesterov: i32, begin: i32, end: i32,
): void {
  stepTensors(SGD, table, count, begin, end, nesterov != 0, f32x4.splat(lr), f32x4.splat(gradSign), f32x4.splat(weightDecay), f32x4.splat(momentum), NONE, NONE, NONE, NONE);
}

// Adam, NAdam and RAdam take the same group-wide arguments: the driver with them splatted.
@inline function adamFamilyStep(
  update: i32, table: usize, count: i32,
  gradSign: f32, weightDecay: f32, paramDecay: f32, beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, eps: f32, begin: i32, end: i32,
): void {
  stepTensors(
    update, table, count, begin, end, false, f32x4.splat(gradSign), f32x4.splat(weightDecay), f32x4.splat(paramDecay),
    f32x4.splat(beta1), f32x4.splat(oneMinusBeta1), f32x4.splat(beta2), f32x4.splat(oneMinusBeta2), f32x4.splat(eps),
  );
}

@inline function adamLanes(
  off: usize, tail: bool, param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize,
  gradSign: v128, weightDecay: v128, paramDecay: v128, beta1: v128, oneMinusBeta1: v128, beta2: v128, oneMinusBeta2: v128,
  stepSize: v128, biasCorrection2Sqrt: v128, eps: v128,
): void {
  let p = ld(param + off, tail);
  const d = effectiveGrad(ld(grad + off, tail), p, gradSign, weightDecay);
  p = f32x4.mul(p, paramDecay);
  const m = runningAverage(expAvg + off, tail, beta1, oneMinusBeta1, d);
  let v = runningAverage(expAvgSq + off, tail, beta2, oneMinusBeta2, f32x4.mul(d, d));
  if (maxExpAvgSq != 0) {
    v = f32x4.max(ld(maxExpAvgSq + off, tail), v);
    st(maxExpAvgSq + off, v, tail);
  }
  const denom = f32x4.add(f32x4.div(f32x4.sqrt(v), biasCorrection2Sqrt), eps);
  st(param + off, f32x4.sub(p, f32x4.mul(stepSize, f32x4.div(m, denom))), tail);
}
// Adam and AdamW: weightDecay is the L2 term added to the gradient (Adam), paramDecay the
// decoupled factor 1 - lr * weight_decay applied to the parameter first (AdamW; 1 for Adam).
// Entry: param, grad, expAvg, expAvgSq, maxExpAvgSq (0 unless AMSGrad), n,
// stepSize = lr / (1 - beta1^t), biasCorrection2Sqrt = sqrt(1 - beta2^t).
export function adamStepTensors(
  table: usize, count: i32,
  gradSign: f32, weightDecay: f32, paramDecay: f32, beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, eps: f32, begin: i32, end: i32,
): void {
  adamFamilyStep(ADAM, table, count, gradSign, weightDecay, paramDecay, beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps, begin, end);
}

@inline function rmspropLanes(
  off: usize, tail: bool, param: usize, grad: usize, squareAvg: usize, gradAvg: usize, buf: usize,
  lr: v128, gradSign: v128, weightDecay: v128, alpha: v128, oneMinusAlpha: v128, eps: v128, momentum: v128,
): void {
  const p = ld(param + off, tail);
  const d = effectiveGrad(ld(grad + off, tail), p, gradSign, weightDecay);
  const sq = runningAverage(squareAvg + off, tail, alpha, oneMinusAlpha, f32x4.mul(d, d));
  let variance = sq;
  if (gradAvg != 0) {
    const ga = runningAverage(gradAvg + off, tail, alpha, oneMinusAlpha, d);
    variance = f32x4.sub(sq, f32x4.mul(ga, ga));
  }
  const scaled = f32x4.div(d, f32x4.add(f32x4.sqrt(variance), eps));
  if (buf != 0) {
    const b = f32x4.add(f32x4.mul(momentum, ld(buf + off, tail)), scaled);
    st(buf + off, b, tail);
    st(param + off, f32x4.sub(p, f32x4.mul(lr, b)), tail);
  } else {
    st(param + off, f32x4.sub(p, f32x4.mul(lr, scaled)), tail);
  }
}
// RMSprop. Entry: param, grad, squareAvg, gradAvg (0 unless centered), momentum buffer (0
// without momentum), n.
export function rmspropStepTensors(
  table: usize, count: i32, lr: f32, gradSign: f32, weightDecay: f32, alpha: f32, oneMinusAlpha: f32, eps: f32, momentum: f32, begin: i32, end: i32,
): void {
  stepTensors(
    RMSPROP, table, count, begin, end, false, f32x4.splat(lr), f32x4.splat(gradSign), f32x4.splat(weightDecay),
    f32x4.splat(alpha), f32x4.splat(oneMinusAlpha), f32x4.splat(eps), f32x4.splat(momentum), NONE,
  );
}

@inline function adagradLanes(
  off: usize, tail: bool, param: usize, grad: usize, sum: usize,
  lr: v128, gradSign: v128, weightDecay: v128, eps: v128,
): void {
  const p = ld(param + off, tail);
  const d = effectiveGrad(ld(grad + off, tail), p, gradSign, weightDecay);
  const s = f32x4.add(ld(sum + off, tail), f32x4.mul(d, d));
  st(sum + off, s, tail);
  st(param + off, f32x4.sub(p, f32x4.mul(lr, f32x4.div(d, f32x4.add(f32x4.sqrt(s), eps)))), tail);
}
// Adagrad. Entry: param, grad, sum, n, and the lr decayed by that parameter's step count,
// lr / (1 + (t - 1) * lr_decay).
export function adagradStepTensors(table: usize, count: i32, gradSign: f32, weightDecay: f32, eps: f32, begin: i32, end: i32): void {
  stepTensors(ADAGRAD, table, count, begin, end, false, f32x4.splat(gradSign), f32x4.splat(weightDecay), f32x4.splat(eps), NONE, NONE, NONE, NONE, NONE);
}

@inline function adamaxLanes(
  off: usize, tail: bool, param: usize, grad: usize, expAvg: usize, expInf: usize,
  gradSign: v128, weightDecay: v128, beta1: v128, oneMinusBeta1: v128, beta2: v128, eps: v128, stepSize: v128,
): void {
  const p = ld(param + off, tail);
  const d = effectiveGrad(ld(grad + off, tail), p, gradSign, weightDecay);
  const m = runningAverage(expAvg + off, tail, beta1, oneMinusBeta1, d);
  const u = f32x4.max(f32x4.mul(beta2, ld(expInf + off, tail)), f32x4.add(f32x4.abs(d), eps));
  st(expInf + off, u, tail);
  st(param + off, f32x4.sub(p, f32x4.mul(stepSize, f32x4.div(m, u))), tail);
}
// Adamax: m = beta1 m + (1 - beta1) g; u = max(beta2 u, |g| + eps); p -= stepSize m / u.
// Entry: param, grad, expAvg, expInf, n, stepSize = lr / (1 - beta1^t).
export function adamaxStepTensors(
  table: usize, count: i32, gradSign: f32, weightDecay: f32, beta1: f32, oneMinusBeta1: f32, beta2: f32, eps: f32, begin: i32, end: i32,
): void {
  stepTensors(
    ADAMAX, table, count, begin, end, false, f32x4.splat(gradSign), f32x4.splat(weightDecay), f32x4.splat(beta1),
    f32x4.splat(oneMinusBeta1), f32x4.splat(beta2), f32x4.splat(eps), NONE, NONE,
  );
}

@inline function nadamLanes(
  off: usize, tail: bool, param: usize, grad: usize, expAvg: usize, expAvgSq: usize,
  gradSign: v128, weightDecay: v128, paramDecay: v128, beta1: v128, oneMinusBeta1: v128, beta2: v128, oneMinusBeta2: v128, eps: v128,
  gradStep: v128, momentumStep: v128, biasCorrection2Sqrt: v128,
): void {
  let p = ld(param + off, tail);
  const d = effectiveGrad(ld(grad + off, tail), p, gradSign, weightDecay);
  p = f32x4.mul(p, paramDecay);
  const m = runningAverage(expAvg + off, tail, beta1, oneMinusBeta1, d);
  const v = runningAverage(expAvgSq + off, tail, beta2, oneMinusBeta2, f32x4.mul(d, d));
  const denom = f32x4.add(f32x4.div(f32x4.sqrt(v), biasCorrection2Sqrt), eps);
  p = f32x4.sub(p, f32x4.mul(gradStep, f32x4.div(d, denom)));
  st(param + off, f32x4.sub(p, f32x4.mul(momentumStep, f32x4.div(m, denom))), tail);
}
// NAdam (PyTorch 2.0's rule): m and v as Adam; d = sqrt(v / (1 - beta2^t)) + eps;
// p -= gradStep g / d + momentumStep m / d. weightDecay is L2 on the gradient, paramDecay the
// decoupled factor 1 - lr * weight_decay (1 without). Entry: param, grad, expAvg, expAvgSq, n,
// gradStep = lr (1 - mu_t) / (1 - prod mu), momentumStep = lr mu_{t+1} / (1 - mu_{t+1} prod mu),
// biasCorrection2Sqrt = sqrt(1 - beta2^t).
export function nadamStepTensors(
  table: usize, count: i32,
  gradSign: f32, weightDecay: f32, paramDecay: f32, beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, eps: f32, begin: i32, end: i32,
): void {
  adamFamilyStep(NADAM, table, count, gradSign, weightDecay, paramDecay, beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps, begin, end);
}

@inline function radamLanes(
  off: usize, tail: bool, param: usize, grad: usize, expAvg: usize, expAvgSq: usize,
  gradSign: v128, weightDecay: v128, paramDecay: v128, beta1: v128, oneMinusBeta1: v128, beta2: v128, oneMinusBeta2: v128, eps: v128,
  stepSize: v128, adaptive: bool,
): void {
  let p = ld(param + off, tail);
  const d = effectiveGrad(ld(grad + off, tail), p, gradSign, weightDecay);
  p = f32x4.mul(p, paramDecay);
  const m = runningAverage(expAvg + off, tail, beta1, oneMinusBeta1, d);
  const v = runningAverage(expAvgSq + off, tail, beta2, oneMinusBeta2, f32x4.mul(d, d));
  const update = adaptive ? f32x4.div(m, f32x4.add(f32x4.sqrt(v), eps)) : m;
  st(param + off, f32x4.sub(p, f32x4.mul(stepSize, update)), tail);
}
// RAdam: m and v as Adam. While the variance is tractable (rho_t > 5) p -= stepSize m / (sqrt(v)
// + eps) with stepSize = lr / (1 - beta1^t) r sqrt(1 - beta2^t), r the rectification; before,
// p -= stepSize m with stepSize = lr / (1 - beta1^t). weightDecay and paramDecay as NAdam's.
// Entry: param, grad, expAvg, expAvgSq, n, adaptive (0 or 1), stepSize.
export function radamStepTensors(
  table: usize, count: i32,
  gradSign: f32, weightDecay: f32, paramDecay: f32, beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, eps: f32, begin: i32, end: i32,
): void {
  adamFamilyStep(RADAM, table, count, gradSign, weightDecay, paramDecay, beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps, begin, end);
}

@inline function adadeltaLanes(
  off: usize, tail: bool, param: usize, grad: usize, squareAvg: usize, accDelta: usize,
  lr: v128, gradSign: v128, weightDecay: v128, rho: v128, oneMinusRho: v128, eps: v128,
): void {
  const p = ld(param + off, tail);
  const d = effectiveGrad(ld(grad + off, tail), p, gradSign, weightDecay);
  const v = runningAverage(squareAvg + off, tail, rho, oneMinusRho, f32x4.mul(d, d));
  const a = ld(accDelta + off, tail);
  const delta = f32x4.mul(f32x4.div(f32x4.sqrt(f32x4.add(a, eps)), f32x4.sqrt(f32x4.add(v, eps))), d);
  runningAverage(accDelta + off, tail, rho, oneMinusRho, f32x4.mul(delta, delta));
  st(param + off, f32x4.sub(p, f32x4.mul(lr, delta)), tail);
}
// Adadelta: v = rho v + (1 - rho) g^2; delta = sqrt(a + eps) / sqrt(v + eps) g;
// a = rho a + (1 - rho) delta^2; p -= lr delta. Entry: param, grad, squareAvg, accDelta, n.
export function adadeltaStepTensors(
  table: usize, count: i32, lr: f32, gradSign: f32, weightDecay: f32, rho: f32, oneMinusRho: f32, eps: f32, begin: i32, end: i32,
): void {
  stepTensors(
    ADADELTA, table, count, begin, end, false, f32x4.splat(lr), f32x4.splat(gradSign), f32x4.splat(weightDecay),
    f32x4.splat(rho), f32x4.splat(oneMinusRho), f32x4.splat(eps), NONE, NONE,
  );
}

// A list of tensors, for the checks over all of a step's gradients. Entry: address, n.
const TENSOR_LIST_ENTRY_WORDS: usize = 2;

// The index of the first tensor holding NaN or Infinity, or -1 when all are finite: the host
// names that parameter in its error.
export function firstNonFiniteTensor(table: usize, count: i32): i32 {
  for (let e = 0; e < count; e++) {
    const entry = table + <usize>e * TENSOR_LIST_ENTRY_WORDS * WORD;
    if (!allValuesFinite(addressAt(entry, 0), sizeAt(entry, 1))) return e;
  }
  return -1;
}

// Sets every listed tensor to zero: zeroGrad over all parameters in one call.
export function zeroTensors(table: usize, count: i32): void {
  for (let e = 0; e < count; e++) {
    const entry = table + <usize>e * TENSOR_LIST_ENTRY_WORDS * WORD;
    memory.fill(addressAt(entry, 0), 0, <usize>sizeAt(entry, 1) << 2);
  }
}

// The threads' shares of firstNonFiniteTensor and zeroTensors (src/backend/threads/parallel-optim.ts):
// the elements [begin, end) of the listed tensors laid end to end.

// Sets flags[e] (int32) to 1 for each listed tensor e with NaN or Infinity among those elements.
// Threads may set one flag at once: they store the same value.
export function markNonFiniteTensorsPart(table: usize, count: i32, flags: usize, begin: i32, end: i32): void {
  onListedSpans(MARK_NON_FINITE, table, count, flags, begin, end);
}

export function zeroTensorsPart(table: usize, count: i32, begin: i32, end: i32): void {
  onListedSpans(ZERO, table, count, 0, begin, end);
}

const MARK_NON_FINITE = 0;
const ZERO = 1;

// Runs `action` (a constant at each call site) on each listed tensor's part of [begin, end).
@inline function onListedSpans(action: i32, table: usize, count: i32, flags: usize, begin: i32, end: i32): void {
  let start = 0;
  for (let e = 0; e < count && start < end; e++) {
    const entry = table + <usize>e * TENSOR_LIST_ENTRY_WORDS * WORD;
    const n = sizeAt(entry, 1);
    const from = spanFrom(begin, start);
    const to = spanTo(end, start, n);
    start += n;
    if (from >= to) continue;
    const first = addressAt(entry, 0) + (<usize>from << 2);
    if (action == ZERO) memory.fill(first, 0, <usize>(to - from) << 2);
    else if (!allValuesFinite(first, to - from)) store<i32>(flags + (<usize>e << 2), 1);
  }
}

// Sum of x^2 over every listed tensor, for gradient-norm clipping.
export function sumOfSquaresTensors(table: usize, count: i32): f64 {
  let total: f64 = 0;
  for (let e = 0; e < count; e++) {
    const entry = table + <usize>e * TENSOR_LIST_ENTRY_WORDS * WORD;
    total += sumOfSquares(addressAt(entry, 0), sizeAt(entry, 1));
  }
  return total;
}

// Four float32 lanes accumulate one block at a time and each block's total is added in float64,
// so long tensors do not lose the small terms.
@inline function sumOfSquares(x: usize, n: i32): f64 {
  const BLOCK = 4096;
  let total: f64 = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const end = min(start + BLOCK, n);
    let acc = f32x4.splat(0);
    let i = start;
    for (; i + 4 <= end; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      acc = f32x4.add(acc, f32x4.mul(v, v));
    }
    for (; i < end; i++) {
      const v = v128.load32_zero(x + (<usize>i << 2));
      acc = f32x4.add(acc, f32x4.mul(v, v));
    }
    total += <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1)
      + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
  }
  return total;
}
