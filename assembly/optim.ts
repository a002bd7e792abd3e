// Fused optimizer updates over many parameter tensors in one call, as PyTorch's foreach path:
// each reads a parameter, its gradient and its state buffers once and writes them back in place,
// with PyTorch's update rules (SGD, Adam/AdamW, RMSprop, Adagrad, Adamax, NAdam, RAdam, Adadelta).
//
// The host writes a table into linear memory, one fixed-size entry of 32-bit words per tensor:
// addresses and element counts (i32), then the coefficients that differ between tensors of one
// param group (f32), e.g. Adam's bias corrections, which follow each parameter's own step count.
// Coefficients the whole group shares are call arguments. Like the kernels' other inputs, the
// coefficients (such as 1 - beta) are computed by the host in float64, as PyTorch computes them
// in Python floats.
//
// Every update is written once, over four lanes. The main loop runs it on full vectors; the tail
// runs the same code with one live lane (load32_zero / store32_lane), so the vector and scalar
// paths cannot drift apart.

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

@inline function sgdLanes(
  off: usize, tail: bool, param: usize, grad: usize, buf: usize,
  lr: v128, gradSign: v128, weightDecay: v128, momentum: v128, bufDecay: v128, bufGain: v128, nesterov: bool,
): void {
  const p = ld(param + off, tail);
  let d = effectiveGrad(ld(grad + off, tail), p, gradSign, weightDecay);
  if (buf != 0) {
    const b = f32x4.add(f32x4.mul(bufDecay, ld(buf + off, tail)), f32x4.mul(bufGain, d));
    st(buf + off, b, tail);
    d = nesterov ? f32x4.add(d, f32x4.mul(momentum, b)) : b;
  }
  st(param + off, f32x4.sub(p, f32x4.mul(lr, d)), tail);
}

// SGD with optional momentum. Entry: param, grad, momentum buffer (0 without momentum), n,
// bufDecay, bufGain. On the buffer's first step the host writes bufDecay 0 and bufGain 1
// (buf = d, as PyTorch's clone); afterwards momentum and 1 - dampening.
const SGD_ENTRY_WORDS: usize = 6;

export function sgdStepTensors(
  table: usize, count: i32, lr: f32, gradSign: f32, weightDecay: f32, momentum: f32, nesterov: i32,
): void {
  const lrV = f32x4.splat(lr);
  const signV = f32x4.splat(gradSign);
  const wdV = f32x4.splat(weightDecay);
  const muV = f32x4.splat(momentum);
  const nest = nesterov != 0;
  for (let e = 0; e < count; e++) {
    const entry = table + <usize>e * SGD_ENTRY_WORDS * WORD;
    const param = addressAt(entry, 0);
    const grad = addressAt(entry, 1);
    const buf = addressAt(entry, 2);
    const n = sizeAt(entry, 3);
    const decayV = f32x4.splat(coefficientAt(entry, 4));
    const gainV = f32x4.splat(coefficientAt(entry, 5));
    let i = 0;
    for (; i + 4 <= n; i += 4) sgdLanes(<usize>i << 2, false, param, grad, buf, lrV, signV, wdV, muV, decayV, gainV, nest);
    for (; i < n; i++) sgdLanes(<usize>i << 2, true, param, grad, buf, lrV, signV, wdV, muV, decayV, gainV, nest);
  }
}

@inline function adamLanes(
  off: usize, tail: bool, param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize,
  gradSign: v128, weightDecay: v128, paramDecay: v128, beta1: v128, oneMinusBeta1: v128, beta2: v128, oneMinusBeta2: v128,
  stepSize: v128, biasCorrection2Sqrt: v128, eps: v128,
): void {
  let p = ld(param + off, tail);
  const d = effectiveGrad(ld(grad + off, tail), p, gradSign, weightDecay);
  p = f32x4.mul(p, paramDecay);
  const m = f32x4.add(f32x4.mul(beta1, ld(expAvg + off, tail)), f32x4.mul(oneMinusBeta1, d));
  let v = f32x4.add(f32x4.mul(beta2, ld(expAvgSq + off, tail)), f32x4.mul(oneMinusBeta2, f32x4.mul(d, d)));
  st(expAvg + off, m, tail);
  st(expAvgSq + off, v, tail);
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
const ADAM_ENTRY_WORDS: usize = 8;

export function adamStepTensors(
  table: usize, count: i32,
  gradSign: f32, weightDecay: f32, paramDecay: f32, beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, eps: f32,
): void {
  const signV = f32x4.splat(gradSign);
  const wdV = f32x4.splat(weightDecay);
  const pdV = f32x4.splat(paramDecay);
  const b1V = f32x4.splat(beta1);
  const c1V = f32x4.splat(oneMinusBeta1);
  const b2V = f32x4.splat(beta2);
  const c2V = f32x4.splat(oneMinusBeta2);
  const epsV = f32x4.splat(eps);
  for (let e = 0; e < count; e++) {
    const entry = table + <usize>e * ADAM_ENTRY_WORDS * WORD;
    const param = addressAt(entry, 0);
    const grad = addressAt(entry, 1);
    const expAvg = addressAt(entry, 2);
    const expAvgSq = addressAt(entry, 3);
    const maxExpAvgSq = addressAt(entry, 4);
    const n = sizeAt(entry, 5);
    const stepV = f32x4.splat(coefficientAt(entry, 6));
    const bcV = f32x4.splat(coefficientAt(entry, 7));
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      adamLanes(<usize>i << 2, false, param, grad, expAvg, expAvgSq, maxExpAvgSq, signV, wdV, pdV, b1V, c1V, b2V, c2V, stepV, bcV, epsV);
    }
    for (; i < n; i++) {
      adamLanes(<usize>i << 2, true, param, grad, expAvg, expAvgSq, maxExpAvgSq, signV, wdV, pdV, b1V, c1V, b2V, c2V, stepV, bcV, epsV);
    }
  }
}

@inline function rmspropLanes(
  off: usize, tail: bool, param: usize, grad: usize, squareAvg: usize, gradAvg: usize, buf: usize,
  lr: v128, gradSign: v128, weightDecay: v128, alpha: v128, oneMinusAlpha: v128, eps: v128, momentum: v128,
): void {
  const p = ld(param + off, tail);
  const d = effectiveGrad(ld(grad + off, tail), p, gradSign, weightDecay);
  const sq = f32x4.add(f32x4.mul(alpha, ld(squareAvg + off, tail)), f32x4.mul(oneMinusAlpha, f32x4.mul(d, d)));
  st(squareAvg + off, sq, tail);
  let variance = sq;
  if (gradAvg != 0) {
    const ga = f32x4.add(f32x4.mul(alpha, ld(gradAvg + off, tail)), f32x4.mul(oneMinusAlpha, d));
    st(gradAvg + off, ga, tail);
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
const RMSPROP_ENTRY_WORDS: usize = 6;

export function rmspropStepTensors(
  table: usize, count: i32, lr: f32, gradSign: f32, weightDecay: f32, alpha: f32, oneMinusAlpha: f32, eps: f32, momentum: f32,
): void {
  const lrV = f32x4.splat(lr);
  const signV = f32x4.splat(gradSign);
  const wdV = f32x4.splat(weightDecay);
  const aV = f32x4.splat(alpha);
  const caV = f32x4.splat(oneMinusAlpha);
  const epsV = f32x4.splat(eps);
  const muV = f32x4.splat(momentum);
  for (let e = 0; e < count; e++) {
    const entry = table + <usize>e * RMSPROP_ENTRY_WORDS * WORD;
    const param = addressAt(entry, 0);
    const grad = addressAt(entry, 1);
    const squareAvg = addressAt(entry, 2);
    const gradAvg = addressAt(entry, 3);
    const buf = addressAt(entry, 4);
    const n = sizeAt(entry, 5);
    let i = 0;
    for (; i + 4 <= n; i += 4) rmspropLanes(<usize>i << 2, false, param, grad, squareAvg, gradAvg, buf, lrV, signV, wdV, aV, caV, epsV, muV);
    for (; i < n; i++) rmspropLanes(<usize>i << 2, true, param, grad, squareAvg, gradAvg, buf, lrV, signV, wdV, aV, caV, epsV, muV);
  }
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
const ADAGRAD_ENTRY_WORDS: usize = 5;

export function adagradStepTensors(table: usize, count: i32, gradSign: f32, weightDecay: f32, eps: f32): void {
  const signV = f32x4.splat(gradSign);
  const wdV = f32x4.splat(weightDecay);
  const epsV = f32x4.splat(eps);
  for (let e = 0; e < count; e++) {
    const entry = table + <usize>e * ADAGRAD_ENTRY_WORDS * WORD;
    const param = addressAt(entry, 0);
    const grad = addressAt(entry, 1);
    const sum = addressAt(entry, 2);
    const n = sizeAt(entry, 3);
    const lrV = f32x4.splat(coefficientAt(entry, 4));
    let i = 0;
    for (; i + 4 <= n; i += 4) adagradLanes(<usize>i << 2, false, param, grad, sum, lrV, signV, wdV, epsV);
    for (; i < n; i++) adagradLanes(<usize>i << 2, true, param, grad, sum, lrV, signV, wdV, epsV);
  }
}

@inline function adamaxLanes(
  off: usize, tail: bool, param: usize, grad: usize, expAvg: usize, expInf: usize,
  gradSign: v128, weightDecay: v128, beta1: v128, oneMinusBeta1: v128, beta2: v128, eps: v128, stepSize: v128,
): void {
  const p = ld(param + off, tail);
  const d = effectiveGrad(ld(grad + off, tail), p, gradSign, weightDecay);
  const m = f32x4.add(f32x4.mul(beta1, ld(expAvg + off, tail)), f32x4.mul(oneMinusBeta1, d));
  const u = f32x4.max(f32x4.mul(beta2, ld(expInf + off, tail)), f32x4.add(f32x4.abs(d), eps));
  st(expAvg + off, m, tail);
  st(expInf + off, u, tail);
  st(param + off, f32x4.sub(p, f32x4.mul(stepSize, f32x4.div(m, u))), tail);
}

// Adamax: m = beta1 m + (1 - beta1) g; u = max(beta2 u, |g| + eps); p -= stepSize m / u.
// Entry: param, grad, expAvg, expInf, n, stepSize = lr / (1 - beta1^t).
const ADAMAX_ENTRY_WORDS: usize = 6;

export function adamaxStepTensors(
  table: usize, count: i32, gradSign: f32, weightDecay: f32, beta1: f32, oneMinusBeta1: f32, beta2: f32, eps: f32,
): void {
  const signV = f32x4.splat(gradSign);
  const wdV = f32x4.splat(weightDecay);
  const b1V = f32x4.splat(beta1);
  const c1V = f32x4.splat(oneMinusBeta1);
  const b2V = f32x4.splat(beta2);
  const epsV = f32x4.splat(eps);
  for (let e = 0; e < count; e++) {
    const entry = table + <usize>e * ADAMAX_ENTRY_WORDS * WORD;
    const param = addressAt(entry, 0);
    const grad = addressAt(entry, 1);
    const expAvg = addressAt(entry, 2);
    const expInf = addressAt(entry, 3);
    const n = sizeAt(entry, 4);
    const stepV = f32x4.splat(coefficientAt(entry, 5));
    let i = 0;
    for (; i + 4 <= n; i += 4) adamaxLanes(<usize>i << 2, false, param, grad, expAvg, expInf, signV, wdV, b1V, c1V, b2V, epsV, stepV);
    for (; i < n; i++) adamaxLanes(<usize>i << 2, true, param, grad, expAvg, expInf, signV, wdV, b1V, c1V, b2V, epsV, stepV);
  }
}

@inline function nadamLanes(
  off: usize, tail: bool, param: usize, grad: usize, expAvg: usize, expAvgSq: usize,
  gradSign: v128, weightDecay: v128, paramDecay: v128, beta1: v128, oneMinusBeta1: v128, beta2: v128, oneMinusBeta2: v128, eps: v128,
  gradStep: v128, momentumStep: v128, biasCorrection2Sqrt: v128,
): void {
  let p = ld(param + off, tail);
  const d = effectiveGrad(ld(grad + off, tail), p, gradSign, weightDecay);
  p = f32x4.mul(p, paramDecay);
  const m = f32x4.add(f32x4.mul(beta1, ld(expAvg + off, tail)), f32x4.mul(oneMinusBeta1, d));
  const v = f32x4.add(f32x4.mul(beta2, ld(expAvgSq + off, tail)), f32x4.mul(oneMinusBeta2, f32x4.mul(d, d)));
  st(expAvg + off, m, tail);
  st(expAvgSq + off, v, tail);
  const denom = f32x4.add(f32x4.div(f32x4.sqrt(v), biasCorrection2Sqrt), eps);
  p = f32x4.sub(p, f32x4.mul(gradStep, f32x4.div(d, denom)));
  st(param + off, f32x4.sub(p, f32x4.mul(momentumStep, f32x4.div(m, denom))), tail);
}

// NAdam (PyTorch 2.0's rule): m and v as Adam; d = sqrt(v / (1 - beta2^t)) + eps;
// p -= gradStep g / d + momentumStep m / d. weightDecay is L2 on the gradient, paramDecay the
// decoupled factor 1 - lr * weight_decay (1 without). Entry: param, grad, expAvg, expAvgSq, n,
// gradStep = lr (1 - mu_t) / (1 - prod mu), momentumStep = lr mu_{t+1} / (1 - mu_{t+1} prod mu),
// biasCorrection2Sqrt = sqrt(1 - beta2^t).
const NADAM_ENTRY_WORDS: usize = 8;

export function nadamStepTensors(
  table: usize, count: i32,
  gradSign: f32, weightDecay: f32, paramDecay: f32, beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, eps: f32,
): void {
  const signV = f32x4.splat(gradSign);
  const wdV = f32x4.splat(weightDecay);
  const pdV = f32x4.splat(paramDecay);
  const b1V = f32x4.splat(beta1);
  const c1V = f32x4.splat(oneMinusBeta1);
  const b2V = f32x4.splat(beta2);
  const c2V = f32x4.splat(oneMinusBeta2);
  const epsV = f32x4.splat(eps);
  for (let e = 0; e < count; e++) {
    const entry = table + <usize>e * NADAM_ENTRY_WORDS * WORD;
    const param = addressAt(entry, 0);
    const grad = addressAt(entry, 1);
    const expAvg = addressAt(entry, 2);
    const expAvgSq = addressAt(entry, 3);
    const n = sizeAt(entry, 4);
    const gsV = f32x4.splat(coefficientAt(entry, 5));
    const msV = f32x4.splat(coefficientAt(entry, 6));
    const bcV = f32x4.splat(coefficientAt(entry, 7));
    let i = 0;
    for (; i + 4 <= n; i += 4) nadamLanes(<usize>i << 2, false, param, grad, expAvg, expAvgSq, signV, wdV, pdV, b1V, c1V, b2V, c2V, epsV, gsV, msV, bcV);
    for (; i < n; i++) nadamLanes(<usize>i << 2, true, param, grad, expAvg, expAvgSq, signV, wdV, pdV, b1V, c1V, b2V, c2V, epsV, gsV, msV, bcV);
  }
}

@inline function radamLanes(
  off: usize, tail: bool, param: usize, grad: usize, expAvg: usize, expAvgSq: usize,
  gradSign: v128, weightDecay: v128, paramDecay: v128, beta1: v128, oneMinusBeta1: v128, beta2: v128, oneMinusBeta2: v128, eps: v128,
  stepSize: v128, adaptive: bool,
): void {
  let p = ld(param + off, tail);
  const d = effectiveGrad(ld(grad + off, tail), p, gradSign, weightDecay);
  p = f32x4.mul(p, paramDecay);
  const m = f32x4.add(f32x4.mul(beta1, ld(expAvg + off, tail)), f32x4.mul(oneMinusBeta1, d));
  const v = f32x4.add(f32x4.mul(beta2, ld(expAvgSq + off, tail)), f32x4.mul(oneMinusBeta2, f32x4.mul(d, d)));
  st(expAvg + off, m, tail);
  st(expAvgSq + off, v, tail);
  const update = adaptive ? f32x4.div(m, f32x4.add(f32x4.sqrt(v), eps)) : m;
  st(param + off, f32x4.sub(p, f32x4.mul(stepSize, update)), tail);
}

// RAdam: m and v as Adam. While the variance is tractable (rho_t > 5) p -= stepSize m / (sqrt(v)
// + eps) with stepSize = lr / (1 - beta1^t) r sqrt(1 - beta2^t), r the rectification; before,
// p -= stepSize m with stepSize = lr / (1 - beta1^t). weightDecay and paramDecay as NAdam's.
// Entry: param, grad, expAvg, expAvgSq, n, adaptive (0 or 1), stepSize.
const RADAM_ENTRY_WORDS: usize = 7;

export function radamStepTensors(
  table: usize, count: i32,
  gradSign: f32, weightDecay: f32, paramDecay: f32, beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, eps: f32,
): void {
  const signV = f32x4.splat(gradSign);
  const wdV = f32x4.splat(weightDecay);
  const pdV = f32x4.splat(paramDecay);
  const b1V = f32x4.splat(beta1);
  const c1V = f32x4.splat(oneMinusBeta1);
  const b2V = f32x4.splat(beta2);
  const c2V = f32x4.splat(oneMinusBeta2);
  const epsV = f32x4.splat(eps);
  for (let e = 0; e < count; e++) {
    const entry = table + <usize>e * RADAM_ENTRY_WORDS * WORD;
    const param = addressAt(entry, 0);
    const grad = addressAt(entry, 1);
    const expAvg = addressAt(entry, 2);
    const expAvgSq = addressAt(entry, 3);
    const n = sizeAt(entry, 4);
    const adaptive = sizeAt(entry, 5) != 0;
    const stepV = f32x4.splat(coefficientAt(entry, 6));
    let i = 0;
    if (adaptive) {
      for (; i + 4 <= n; i += 4) radamLanes(<usize>i << 2, false, param, grad, expAvg, expAvgSq, signV, wdV, pdV, b1V, c1V, b2V, c2V, epsV, stepV, true);
      for (; i < n; i++) radamLanes(<usize>i << 2, true, param, grad, expAvg, expAvgSq, signV, wdV, pdV, b1V, c1V, b2V, c2V, epsV, stepV, true);
    } else {
      for (; i + 4 <= n; i += 4) radamLanes(<usize>i << 2, false, param, grad, expAvg, expAvgSq, signV, wdV, pdV, b1V, c1V, b2V, c2V, epsV, stepV, false);
      for (; i < n; i++) radamLanes(<usize>i << 2, true, param, grad, expAvg, expAvgSq, signV, wdV, pdV, b1V, c1V, b2V, c2V, epsV, stepV, false);
    }
  }
}

@inline function adadeltaLanes(
  off: usize, tail: bool, param: usize, grad: usize, squareAvg: usize, accDelta: usize,
  lr: v128, gradSign: v128, weightDecay: v128, rho: v128, oneMinusRho: v128, eps: v128,
): void {
  const p = ld(param + off, tail);
  const d = effectiveGrad(ld(grad + off, tail), p, gradSign, weightDecay);
  const v = f32x4.add(f32x4.mul(rho, ld(squareAvg + off, tail)), f32x4.mul(oneMinusRho, f32x4.mul(d, d)));
  const a = ld(accDelta + off, tail);
  const delta = f32x4.mul(f32x4.div(f32x4.sqrt(f32x4.add(a, eps)), f32x4.sqrt(f32x4.add(v, eps))), d);
  st(squareAvg + off, v, tail);
  st(accDelta + off, f32x4.add(f32x4.mul(rho, a), f32x4.mul(oneMinusRho, f32x4.mul(delta, delta))), tail);
  st(param + off, f32x4.sub(p, f32x4.mul(lr, delta)), tail);
}

// Adadelta: v = rho v + (1 - rho) g^2; delta = sqrt(a + eps) / sqrt(v + eps) g;
// a = rho a + (1 - rho) delta^2; p -= lr delta. Entry: param, grad, squareAvg, accDelta, n.
const ADADELTA_ENTRY_WORDS: usize = 5;

export function adadeltaStepTensors(
  table: usize, count: i32, lr: f32, gradSign: f32, weightDecay: f32, rho: f32, oneMinusRho: f32, eps: f32,
): void {
  const lrV = f32x4.splat(lr);
  const signV = f32x4.splat(gradSign);
  const wdV = f32x4.splat(weightDecay);
  const rhoV = f32x4.splat(rho);
  const cV = f32x4.splat(oneMinusRho);
  const epsV = f32x4.splat(eps);
  for (let e = 0; e < count; e++) {
    const entry = table + <usize>e * ADADELTA_ENTRY_WORDS * WORD;
    const param = addressAt(entry, 0);
    const grad = addressAt(entry, 1);
    const squareAvg = addressAt(entry, 2);
    const accDelta = addressAt(entry, 3);
    const n = sizeAt(entry, 4);
    let i = 0;
    for (; i + 4 <= n; i += 4) adadeltaLanes(<usize>i << 2, false, param, grad, squareAvg, accDelta, lrV, signV, wdV, rhoV, cV, epsV);
    for (; i < n; i++) adadeltaLanes(<usize>i << 2, true, param, grad, squareAvg, accDelta, lrV, signV, wdV, rhoV, cV, epsV);
  }
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
