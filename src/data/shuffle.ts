/** Returns an integer in [0, n). */
export type RandomInt = (n: number) => number;

/**
 * A generator private to one DataLoader, so its order depends on its seed alone. Its whole state
 * is one uint32 (`state`), which a checkpoint saves to resume the same sequence of orders.
 */
export class SeededRandomInt {
  state: number;

  constructor(seed: number) {
    this.state = (Math.trunc(seed) ^ 0x5f3759df) >>> 0;
  }

  readonly next: RandomInt = (n) => {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    z = (z ^ (z >>> 15)) >>> 0;
    return Math.floor((z / 4294967296) * n);
  };
}

/** 0..n-1 in random order (Fisher-Yates). */
export function randomPermutation(n: number, randomInt: RandomInt): Int32Array {
  const order = identityPermutation(n);
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}

export function identityPermutation(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}
