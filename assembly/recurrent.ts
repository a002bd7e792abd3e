// One time step of the LSTM and GRU cells after their GEMMs: the gate nonlinearities, the state
// update and the output, with the gates of a row read back from L1 only (forward), and the gate
// gradients from the saved gate activations (backward). The matrix products around them (input
// projection of all steps, the recurrent product of each step in recurrent-gemm.ts, the weight
// gradients) are driven from src/ops/lstm.ts and src/ops/gru.ts. Rows are batch entries; a row of gates holds
// the gate blocks one after another, PyTorch's order (LSTM i, f, g, o; GRU r, z, n), each
// `hidden` wide. Columns run four at a time; a hidden size that is not a multiple of 4 ends
// with a partial vector, outside the main loop so that loop has no lane-count branches. The
// nonlinearities are gate-math.ts's.

import { gateSigmoidX4, gateTanhX4 } from './gate-math';
import { ONE, lanes, loadPartial, storePartial } from './vector-math';

/**
 * gates [batch, 4·hidden] holds the pre-activations a = x·W_ihᵀ + h·W_hhᵀ + biases and is
 * overwritten with the activations σ(i), σ(f), tanh(g), σ(o) (what the backward reads);
 * c = σ(f)·cPrev + σ(i)·tanh(g) and h = σ(o)·tanh(c), both [batch, hidden].
 */
export function lstmCellForward(gates: usize, cPrev: usize, cOut: usize, hOut: usize, batch: i32, hidden: i32): void {
  const block = <usize>hidden << 2;
  const whole = hidden & ~3;
  for (let row = 0; row < batch; row++) {
    const g = gates + <usize>row * (block << 2);
    const state = <usize>row * block;
    // The gates first, each lane on its own, then the state update: in two passes the processor
    // overlaps many gates' exp chains, which one pass would make wait on c and tanh(c).
    activateInPlace(g, 2 * hidden, false);
    activateInPlace(g + 2 * block, hidden, true);
    activateInPlace(g + 3 * block, hidden, false);
    for (let j = 0; j < whole; j += 4) lstmStateLanes(g, block, cPrev + state, cOut + state, hOut + state, <usize>j << 2, 4);
    if (whole < hidden) lstmStateLanes(g, block, cPrev + state, cOut + state, hOut + state, <usize>whole << 2, hidden - whole);
  }
}

// σ (or tanh) of `count` floats at `x`, in place.
@inline function activateInPlace(x: usize, count: i32, tanh: bool): void {
  const whole = count & ~3;
  for (let j = 0; j < whole; j += 4) {
    const at = x + (<usize>j << 2);
    v128.store(at, tanh ? gateTanhX4(v128.load(at)) : gateSigmoidX4(v128.load(at)));
  }
  if (whole < count) {
    const at = x + (<usize>whole << 2);
    const v = loadPartial(at, count - whole, 0);
    storePartial(at, tanh ? gateTanhX4(v) : gateSigmoidX4(v), count - whole);
  }
}

// c and h for the hidden units at byte offset `at` of one row, `count` (1..4) of them, from the gate activations.
@inline function lstmStateLanes(g: usize, block: usize, cPrev: usize, cOut: usize, hOut: usize, at: usize, count: i32): void {
  const i = loadPartial(g + at, count, 0);
  const f = loadPartial(g + block + at, count, 0);
  const cand = loadPartial(g + 2 * block + at, count, 0);
  const o = loadPartial(g + 3 * block + at, count, 0);
  const c = f32x4.add(f32x4.mul(f, loadPartial(cPrev + at, count, 0)), f32x4.mul(i, cand));
  storePartial(cOut + at, c, count);
  storePartial(hOut + at, f32x4.mul(o, gateTanhX4(c)), count);
}

/**
 * The gradient of one LSTM step. gates are the saved activations of lstmCellForward, c this
 * step's cell state, cPrev the previous one. dh = dhOut + dhNext (the loss's gradient at this
 * step's output plus what the next step sent back); dc [batch, hidden] holds the cell gradient
 * from the next step and leaves holding the one for cPrev. dGates [batch, 4·hidden] receives the
 * gradient of the gate pre-activations.
 */
export function lstmCellBackward(
  gates: usize, cPrev: usize, c: usize, dhOut: usize, dhNext: usize, dc: usize, dGates: usize, batch: i32, hidden: i32,
): void {
  const block = <usize>hidden << 2;
  const whole = hidden & ~3;
  for (let row = 0; row < batch; row++) {
    const g = gates + <usize>row * (block << 2);
    const dg = dGates + <usize>row * (block << 2);
    const state = <usize>row * block;
    for (let j = 0; j < whole; j += 4) lstmCellBackwardLanes(g, cPrev + state, c + state, dhOut + state, dhNext + state, dc + state, dg, block, <usize>j << 2, 4);
    if (whole < hidden) lstmCellBackwardLanes(g, cPrev + state, c + state, dhOut + state, dhNext + state, dc + state, dg, block, <usize>whole << 2, hidden - whole);
  }
}

@inline function lstmCellBackwardLanes(
  g: usize, cPrev: usize, c: usize, dhOut: usize, dhNext: usize, dc: usize, dg: usize, block: usize, at: usize, count: i32,
): void {
  const one = lanes(ONE);
  const i = loadPartial(g + at, count, 0);
  const f = loadPartial(g + block + at, count, 0);
  const cand = loadPartial(g + 2 * block + at, count, 0);
  const o = loadPartial(g + 3 * block + at, count, 0);
  const tc = gateTanhX4(loadPartial(c + at, count, 0));
  const dh = f32x4.add(loadPartial(dhOut + at, count, 0), loadPartial(dhNext + at, count, 0));
  const dcTotal = f32x4.add(loadPartial(dc + at, count, 0), f32x4.mul(f32x4.mul(dh, o), f32x4.sub(one, f32x4.mul(tc, tc))));
  const dI = f32x4.mul(f32x4.mul(dcTotal, cand), f32x4.mul(i, f32x4.sub(one, i)));
  const dF = f32x4.mul(f32x4.mul(dcTotal, loadPartial(cPrev + at, count, 0)), f32x4.mul(f, f32x4.sub(one, f)));
  const dG = f32x4.mul(f32x4.mul(dcTotal, i), f32x4.sub(one, f32x4.mul(cand, cand)));
  const dO = f32x4.mul(f32x4.mul(dh, tc), f32x4.mul(o, f32x4.sub(one, o)));
  storePartial(dg + at, dI, count);
  storePartial(dg + block + at, dF, count);
  storePartial(dg + 2 * block + at, dG, count);
  storePartial(dg + 3 * block + at, dO, count);
  storePartial(dc + at, f32x4.mul(dcTotal, f), count);
}

/**
 * inputGates [batch, 3·hidden] holds x·W_ihᵀ + b_ih and hiddenGates h·W_hhᵀ + b_hh. r = σ(a_r + b_r),
 * z = σ(a_z + b_z), n = tanh(a_n + r·b_n) (PyTorch's GRU: r gates b_n, bias included), written over
 * inputGates for the backward; h = (1 − z)·n + z·hPrev into hOut [batch, hidden].
 */
export function gruCellForward(inputGates: usize, hiddenGates: usize, hPrev: usize, hOut: usize, batch: i32, hidden: i32): void {
  const block = <usize>hidden << 2;
  const whole = hidden & ~3;
  for (let row = 0; row < batch; row++) {
    const a = inputGates + <usize>row * 3 * block;
    const b = hiddenGates + <usize>row * 3 * block;
    const state = <usize>row * block;
    // r and z first, then n and h: two passes, as lstmCellForward, for the same reason.
    sigmoidOfSumInPlace(a, b, 2 * hidden);
    for (let j = 0; j < whole; j += 4) gruStateLanes(a, b, hPrev + state, hOut + state, block, <usize>j << 2, 4);
    if (whole < hidden) gruStateLanes(a, b, hPrev + state, hOut + state, block, <usize>whole << 2, hidden - whole);
  }
}

// x = σ(x + y) for `count` floats, in place in x.
@inline function sigmoidOfSumInPlace(x: usize, y: usize, count: i32): void {
  const whole = count & ~3;
  for (let j = 0; j < whole; j += 4) {
    const at = <usize>j << 2;
    v128.store(x + at, gateSigmoidX4(f32x4.add(v128.load(x + at), v128.load(y + at))));
  }
  if (whole < count) {
    const at = <usize>whole << 2;
    const rest = count - whole;
    storePartial(x + at, gateSigmoidX4(f32x4.add(loadPartial(x + at, rest, 0), loadPartial(y + at, rest, 0))), rest);
  }
}

// n and h for the hidden units at byte offset `at` of one row, `count` (1..4) of them, from r and z.
@inline function gruStateLanes(a: usize, b: usize, hPrev: usize, hOut: usize, block: usize, at: usize, count: i32): void {
  const r = loadPartial(a + at, count, 0);
  const z = loadPartial(a + block + at, count, 0);
  const n = gateTanhX4(f32x4.add(loadPartial(a + 2 * block + at, count, 0), f32x4.mul(r, loadPartial(b + 2 * block + at, count, 0))));
  const hp = loadPartial(hPrev + at, count, 0);
  storePartial(a + 2 * block + at, n, count);
  // (1 − z)·n + z·hPrev = n + z·(hPrev − n)
  storePartial(hOut + at, f32x4.add(n, f32x4.mul(z, f32x4.sub(hp, n))), count);
}

/**
 * The gradient of one GRU step. gates are gruCellForward's saved r, z, n; hiddenGates the saved
 * h·W_hhᵀ + b_hh (its n block is needed for r's gradient). dh = dhOut + dhNext; dhNext leaves
 * holding z·dh, the part of hPrev's gradient that skips the recurrent product. dInput and dHidden
 * [batch, 3·hidden] receive the gradients of x·W_ihᵀ + b_ih and of h·W_hhᵀ + b_hh; they differ
 * only in the n block (the hidden one is scaled by r).
 */
export function gruCellBackward(
  gates: usize, hiddenGates: usize, hPrev: usize, dhOut: usize, dhNext: usize, dInput: usize, dHidden: usize, batch: i32, hidden: i32,
): void {
  const block = <usize>hidden << 2;
  const whole = hidden & ~3;
  for (let row = 0; row < batch; row++) {
    const g = gates + <usize>row * 3 * block;
    const b = hiddenGates + <usize>row * 3 * block;
    const da = dInput + <usize>row * 3 * block;
    const db = dHidden + <usize>row * 3 * block;
    const state = <usize>row * block;
    for (let j = 0; j < whole; j += 4) gruCellBackwardLanes(g, b, hPrev + state, dhOut + state, dhNext + state, da, db, block, <usize>j << 2, 4);
    if (whole < hidden) gruCellBackwardLanes(g, b, hPrev + state, dhOut + state, dhNext + state, da, db, block, <usize>whole << 2, hidden - whole);
  }
}

@inline function gruCellBackwardLanes(
  g: usize, b: usize, hPrev: usize, dhOut: usize, dhNext: usize, da: usize, db: usize, block: usize, at: usize, count: i32,
): void {
  const one = lanes(ONE);
  const r = loadPartial(g + at, count, 0);
  const z = loadPartial(g + block + at, count, 0);
  const n = loadPartial(g + 2 * block + at, count, 0);
  const dh = f32x4.add(loadPartial(dhOut + at, count, 0), loadPartial(dhNext + at, count, 0));
  const dN = f32x4.mul(f32x4.mul(dh, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
  const dZ = f32x4.mul(f32x4.mul(dh, f32x4.sub(loadPartial(hPrev + at, count, 0), n)), f32x4.mul(z, f32x4.sub(one, z)));
  const dR = f32x4.mul(f32x4.mul(dN, loadPartial(b + 2 * block + at, count, 0)), f32x4.mul(r, f32x4.sub(one, r)));
  storePartial(da + at, dR, count);
  storePartial(da + block + at, dZ, count);
  storePartial(da + 2 * block + at, dN, count);
  storePartial(db + at, dR, count);
  storePartial(db + block + at, dZ, count);
  storePartial(db + 2 * block + at, f32x4.mul(dN, r), count);
  storePartial(dhNext + at, f32x4.mul(dh, z), count);
}
