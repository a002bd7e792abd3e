import { describe, expect, it } from 'vitest';
import { readControlMessage, readStatusMessage } from '../../src/worker/protocol.js';

describe('the training protocol', () => {
  it('reads its own messages and passes over everything else', () => {
    expect(readControlMessage({ protocol: 'simdgrad-training', job: 3, kind: 'start', config: { epochs: 1 } }, 'serveTraining')).toEqual({ protocol: 'simdgrad-training', job: 3, kind: 'start', config: { epochs: 1 } });
    expect(readControlMessage({ kind: 'start' }, 'serveTraining')).toBeNull();
    expect(readControlMessage('start', 'serveTraining')).toBeNull();
    expect(readStatusMessage(null, 'TrainingJob')).toBeNull();
  });

  it('throws on a message of the protocol that is malformed, naming the receiver, the job and the problem', () => {
    expect(() => readControlMessage({ protocol: 'simdgrad-training', job: -1, kind: 'pause' }, 'serveTraining')).toThrow(
      "simdgrad: serveTraining: malformed 'pause' message of job -1: job must be a non-negative integer; both sides must run the same simdgrad version (the worker imports the same bundle as the page).",
    );
    expect(() => readControlMessage({ protocol: 'simdgrad-training', job: 1, kind: 'stop' }, 'serveTraining')).toThrow(/malformed 'stop' message of job 1: kind must be one of start, pause, resume, cancel;/);
    expect(() => readControlMessage({ protocol: 'simdgrad-training', job: 1, kind: 'start' }, 'serveTraining')).toThrow(/a 'start' message needs a config/);
    expect(() => readStatusMessage({ protocol: 'simdgrad-training', job: 1, kind: 'epoch', logs: { epoch: 1, loss: 0.5, seconds: 1, samplesPerSecond: 9, valLoss: '0.4' } }, 'TrainingJob')).toThrow(/malformed 'epoch' message of job 1: valLoss must be a number/);
    expect(() => readStatusMessage({ protocol: 'simdgrad-training', job: 1, kind: 'failed', error: 'boom' }, 'TrainingJob')).toThrow(/error\.message must be a string/);
  });
});
