import { describe, expect, it } from 'vitest';
import { ProgressBar, type ProgressStream } from 'simdgrad/node';

function fakeStream(isTTY: boolean, columns?: number): ProgressStream & { output: string } {
  return { isTTY, columns, output: '', write(text: string) { this.output += text; } };
}

// A clock the test moves by hand, in milliseconds.
function fakeClock() {
  const clock = { ms: 0, now: () => clock.ms };
  return clock;
}

describe('ProgressBar', () => {
  it('writes plain lines at intervals and a final line when the stream is not a terminal', () => {
    const stream = fakeStream(false);
    const clock = fakeClock();
    const bar = new ProgressBar({ total: 4, epochs: 3, stream, linesPerEpoch: 2, now: clock.now });
    bar.startEpoch(2);
    for (const loss of [1.0, 0.8, 0.6, 0.4]) {
      clock.ms += 500;
      bar.step(32, loss);
    }
    const summary = bar.finish();
    expect(stream.output).toBe(
      'epoch 2/3  2/4  64 samples/s  ETA 0:01  loss 0.9000\n' +
        'epoch 2/3  4/4  64 samples/s  took 0:02  loss 0.7000\n',
    );
    expect(summary).toEqual({ epoch: 2, steps: 4, samples: 128, seconds: 2, samplesPerSecond: 64, loss: 0.7 });
  });

  it('redraws one line in a terminal, at most every 100 ms, with a bar', () => {
    const stream = fakeStream(true);
    const clock = fakeClock();
    const bar = new ProgressBar({ total: 10, stream, now: clock.now });
    clock.ms = 1000;
    bar.step(100);
    clock.ms = 1050;
    bar.step(100);
    expect(stream.output).toBe('\repoch 1  [==                  ] 1/10  100 samples/s  ETA 0:09\x1b[K');
    clock.ms = 1200;
    bar.step(100);
    bar.finish();
    expect(stream.output.split('\r')).toEqual([
      '',
      'epoch 1  [==                  ] 1/10  100 samples/s  ETA 0:09\x1b[K',
      'epoch 1  [======              ] 3/10  250 samples/s  ETA 0:03\x1b[K',
      'epoch 1  [======              ] 3/10  250 samples/s  took 0:01\x1b[K\n',
    ]);
  });

  it('cuts the line to the terminal width', () => {
    const stream = fakeStream(true, 20);
    new ProgressBar({ total: 2, stream, now: () => 0 }).step(1, 2.5);
    expect(stream.output).toBe('\repoch 1  [=========\x1b[K'); // 19 characters: the 20th would wrap the cursor
  });

  it('shows - for rates it cannot know yet and omits the loss when none is given', () => {
    const stream = fakeStream(false);
    const bar = new ProgressBar({ total: 1, stream, now: () => 0 });
    bar.step(8);
    bar.finish();
    expect(stream.output).toBe('epoch 1  1/1  - samples/s  took 0:00\n');
    expect(Number.isNaN(bar.finish().loss)).toBe(true);
  });

  it('refuses a total that is not a positive integer', () => {
    expect(() => new ProgressBar({ total: 0, stream: fakeStream(false) })).toThrow(/total \(steps per epoch\) must be a positive integer, got 0; pass loader.length/);
  });
});
