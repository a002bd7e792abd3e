// One seeded generator for initialisation, rand/randn and data shuffling, so a run is
// reproducible from manualSeed() alone.
let state = new Uint32Array([0x9e3779b9, 0x243f6a88, 0xb7e15162, 0x12345678]);
let spareNormal: number | null = null;

/** Seeds every random choice simdgrad makes (initialisation, rand, randn, shuffle, dropout). */
export function manualSeed(seed: number): void {
  let s = (seed >>> 0) ^ 0x6d2b79f5;
  const next = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  state = new Uint32Array([next(), next(), next(), next() | 1]);
  spareNormal = null;
}

/**
 * The generator's whole state, as torch.get_rng_state(): plain numbers (JSON-safe), so that
 * setRngState() of it later replays the same draws. The kernels' generator (dropout) needs no
 * saving: it is reseeded from this one before every use.
 */
export interface RngState {
  /** The four xoshiro128** words. */
  words: [number, number, number, number];
  /** The second normal of the last Box-Muller pair, not yet returned (or null). */
  spareNormal: number | null;
}

export function getRngState(): RngState {
  return { words: [state[0]!, state[1]!, state[2]!, state[3]!], spareNormal };
}

/** Restores what getRngState() returned; checks it first and changes nothing when it is invalid. */
export function setRngState(saved: RngState): void {
  const words = saved?.words;
  const validWords = Array.isArray(words) && words.length === 4 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) && words.some((w) => w !== 0);
  const validSpare = saved?.spareNormal === null || Number.isFinite(saved?.spareNormal);
  if (!validWords || !validSpare) {
    throw new Error(`simdgrad: setRngState: expected { words: four uint32, not all 0; spareNormal: number or null } as getRngState() returns, got ${JSON.stringify(saved)}.`);
  }
  state = Uint32Array.from(words);
  spareNormal = saved.spareNormal;
}

/** A uint32 from xoshiro128**. */
export function nextUint32(): number {
  const s = state;
  const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
  const t = s[1]! << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3]!, 11);
  return result;
}

/** Uniform in [0, 1). */
export function nextUniform(): number {
  return nextUint32() / 4294967296;
}

/** Standard normal (Box-Muller). */
export function nextNormal(): number {
  if (spareNormal !== null) {
    const v = spareNormal;
    spareNormal = null;
    return v;
  }
  const u = 1 - nextUniform();
  const v = nextUniform();
  const r = Math.sqrt(-2 * Math.log(u));
  spareNormal = r * Math.sin(2 * Math.PI * v);
  return r * Math.cos(2 * Math.PI * v);
}

/** Integer in [0, n). */
export function nextInt(n: number): number {
  return Math.floor(nextUniform() * n);
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
