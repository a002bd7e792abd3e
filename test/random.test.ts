import { describe, expect, it } from 'vitest';
import { F, getRngState, manualSeed, ones, rand, randn, setRngState } from 'simdgrad';

describe('getRngState / setRngState', () => {
  it('replays every draw after the state was taken: rand, randn (with its spare normal) and dropout masks', () => {
    manualSeed(11);
    randn([3]); // an odd count leaves a spare normal in the state
    const state = getRngState();
    expect(state.spareNormal).not.toBeNull();
    const draws = () => [rand([4]).toArray(), randn([5]).toArray(), F.dropout(ones([16]), { p: 0.5, training: true }).toArray()];
    const first = draws();
    setRngState(state);
    expect(draws()).toEqual(first);
  });

  it('is plain JSON: a state that went through JSON.stringify replays the same draws', () => {
    manualSeed(12);
    randn([1]);
    const saved = JSON.stringify(getRngState());
    const first = randn([6]).toArray();
    setRngState(JSON.parse(saved));
    expect(randn([6]).toArray()).toEqual(first);
  });

  it('refuses a state it could not have returned, and keeps the current one', () => {
    manualSeed(13);
    const state = getRngState();
    const bad = [
      { words: [0, 0, 0, 0], spareNormal: null },
      { words: [1, 2, 3], spareNormal: null },
      { words: [1, 2, 3, 2 ** 32], spareNormal: null },
      { words: [1, 2, 3, 4], spareNormal: NaN },
      null,
    ];
    for (const saved of bad) {
      expect(() => setRngState(saved as never)).toThrow(/^simdgrad: setRngState: expected \{ words: four uint32, not all 0; spareNormal: number or null \} as getRngState\(\) returns, got /);
    }
    expect(getRngState()).toEqual(state);
  });
});
