// A seeded generator for the kernels that need randomness (dropout): four independent
// xoshiro128** streams, one per f32x4 lane, so four uniform numbers come from each step.
// The host seeds it from its own generator before every use, so manualSeed() decides it.

import { lanes, loadPartial, storePartial } from './vector-math';

const FIVE = memory.data<i32>([5]);
const NINE = memory.data<i32>([9]);
const TWO_TO_MINUS_24 = memory.data<f32>([<f32>1 / 16777216]);

let s0: v128 = i32x4.splat(0);
let s1: v128 = i32x4.splat(0);
let s2: v128 = i32x4.splat(0);
let s3: v128 = i32x4.splat(0);
let splitmixState: u32 = 0;

export function randomSeed(seed: u32): void {
  splitmixState = seed;
  s0 = fourSeedWords();
  s1 = fourSeedWords();
  s2 = fourSeedWords();
  // xoshiro must not start from an all-zero state; an odd word rules that out per lane.
  s3 = v128.or(fourSeedWords(), i32x4.splat(1));
}

/**
 * Inverted dropout: mask[i] = scale with probability 1 - p, else 0; out[i] = x[i] * mask[i].
 * The host passes scale = 1 / (1 - p), or 0 when p == 1.
 */
export function dropoutForward(x: usize, out: usize, mask: usize, n: i32, p: f32, scale: f32): void {
  const pv = f32x4.splat(p);
  const sv = f32x4.splat(scale);
  for (let i = 0; i < n; i += 4) {
    const off = <usize>i << 2;
    const keep = f32x4.ge(nextUniformX4(), pv);
    const m = v128.and(sv, keep);
    const count = min(4, n - i);
    storePartial(mask + off, m, count);
    storePartial(out + off, f32x4.mul(loadPartial(x + off, count, 0), m), count);
  }
}

// Uniform in [0, 1) per lane, from the top 24 bits (all a float32 in [0, 1) can hold).
@inline function nextUniformX4(): v128 {
  const bits = i32x4.shr_u(nextBitsX4(), 8);
  return f32x4.mul(f32x4.convert_i32x4_u(bits), lanes(TWO_TO_MINUS_24));
}

// xoshiro128** (Blackman and Vigna) on each lane.
@inline function nextBitsX4(): v128 {
  const result = i32x4.mul(rotl(i32x4.mul(s1, lanes(FIVE)), 7), lanes(NINE));
  const t = i32x4.shl(s1, 9);
  s2 = v128.xor(s2, s0);
  s3 = v128.xor(s3, s1);
  s1 = v128.xor(s1, s2);
  s0 = v128.xor(s0, s3);
  s2 = v128.xor(s2, t);
  s3 = rotl(s3, 11);
  return result;
}

@inline function rotl(v: v128, k: i32): v128 {
  return v128.or(i32x4.shl(v, k), i32x4.shr_u(v, 32 - k));
}

function fourSeedWords(): v128 {
  let v = i32x4.splat(<i32>splitmix32());
  v = i32x4.replace_lane(v, 1, <i32>splitmix32());
  v = i32x4.replace_lane(v, 2, <i32>splitmix32());
  return i32x4.replace_lane(v, 3, <i32>splitmix32());
}

// Spreads one 32-bit seed over the 512 bits of state: consecutive seeds give unrelated streams.
function splitmix32(): u32 {
  splitmixState += 0x9e3779b9;
  let z = splitmixState;
  z = (z ^ (z >>> 16)) * 0x85ebca6b;
  z = (z ^ (z >>> 13)) * 0xc2b2ae35;
  return z ^ (z >>> 16);
}
