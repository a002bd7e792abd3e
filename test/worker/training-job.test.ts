import { describe, expect, it } from 'vitest';
import { startTraining, type EpochLogs, type MessageEndpoint, type TrainingProgress, type TrainingState } from 'simdgrad';
import { channel, connect, trainBlobs } from '../helpers/training-worker.js';

const waitForProgress = (job: ReturnType<typeof startTraining>, batch: number) => new Promise<void>((resolve) => job.on('progress', (p) => p.batch >= batch && resolve()));

describe('startTraining and TrainingJob', () => {
  it('runs the job in the worker and streams progress, epoch logs and reports to the page', async () => {
    const job = startTraining<EpochLogs>(connect(trainBlobs), { samples: 64, epochs: 3, batchSize: 16 });
    const progress: TrainingProgress[] = [];
    const epochs: EpochLogs[] = [];
    const reports: unknown[] = [];
    const states: TrainingState[] = [];
    job.on('progress', (p) => progress.push(p)).on('epoch', (e) => epochs.push(e)).on('report', (r) => reports.push(r)).on('state', (s) => states.push(s));
    const last = await job.result;
    expect(progress.map((p) => `${p.epoch}.${p.batch}/${p.batches}`)).toEqual(['1.1/4', '1.2/4', '1.3/4', '1.4/4', '2.1/4', '2.2/4', '2.3/4', '2.4/4', '3.1/4', '3.2/4', '3.3/4', '3.4/4']);
    expect(progress[3]!.samples).toBe(64);
    expect(progress[3]!.samplesPerSecond).toBeGreaterThan(0);
    expect(progress[3]!.accuracy).toBeGreaterThan(0.5);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(last).toEqual(epochs[2]);
    expect(last.accuracy).toBeGreaterThan(0.95);
    expect(reports).toEqual([{ parameters: 42 }]);
    expect(states).toEqual(['done']);
    expect(job.state).toBe('done');
  });

  it('pause() stops the job after its current batch, resume() continues it', async () => {
    const job = startTraining(connect(trainBlobs), { samples: 400, epochs: 1, batchSize: 10, msPerBatch: 2 });
    let batches = 0;
    job.on('progress', (p) => (batches = p.batch));
    await waitForProgress(job, 3);
    await job.pause();
    expect(job.state).toBe('paused');
    const pausedAt = batches;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(batches).toBe(pausedAt);
    expect(pausedAt).toBeLessThan(40);
    job.resume();
    expect(job.state).toBe('running');
    await job.result;
    expect(batches).toBe(40);
    expect(job.state).toBe('done');
  });

  it('cancel() stops the job; result rejects with an AbortError', async () => {
    const job = startTraining(connect(trainBlobs), { samples: 400, epochs: 5, batchSize: 10, msPerBatch: 2 });
    let lastBatch = 0;
    job.on('progress', (p) => (lastBatch = p.batch));
    await waitForProgress(job, 1);
    await job.cancel();
    expect(job.state).toBe('cancelled');
    await expect(job.result).rejects.toMatchObject({ name: 'AbortError', message: expect.stringMatching(/^simdgrad: TrainingJob \d+: cancelled by cancel\(\)\.$/) });
    expect(lastBatch).toBeLessThan(40);
  });

  it('cancels a paused job', async () => {
    const job = startTraining(connect(trainBlobs), { samples: 400, epochs: 1, batchSize: 10, msPerBatch: 2 });
    await waitForProgress(job, 1);
    await job.pause();
    await job.cancel();
    expect(job.state).toBe('cancelled');
  });

  it('fails the job on a malformed message from the worker', async () => {
    const { page, worker } = channel();
    const job = startTraining(page, null);
    worker.postMessage({ protocol: 'simdgrad-training', job: job.id, kind: 'progress', progress: { epoch: 'one' } }, []);
    await expect(job.result).rejects.toThrow(
      `simdgrad: TrainingJob ${job.id}: malformed 'progress' message of job ${job.id}: epoch, batch, loss, samples, seconds, samplesPerSecond must be numbers; both sides must run the same simdgrad version`,
    );
  });

  it('ignores messages of other protocols and other jobs on the same channel', async () => {
    const { page, worker } = channel();
    const job = startTraining(page, null);
    worker.postMessage({ hello: 'app message' }, []);
    worker.postMessage({ protocol: 'simdgrad-training', job: job.id + 1000, kind: 'done', result: 'not mine' }, []);
    worker.postMessage({ protocol: 'simdgrad-training', job: job.id, kind: 'done', result: 'mine' }, []);
    await expect(job.result).resolves.toBe('mine');
  });

  it('names what it needs when given something that is not a worker, or an unknown event', () => {
    expect(() => startTraining({} as MessageEndpoint, null)).toThrow(
      "simdgrad: startTraining: the first argument must be a Worker or a MessagePort (with postMessage and addEventListener), got Object; pass new Worker(url, { type: 'module' }).",
    );
    const job = startTraining(channel().page, null);
    expect(() => job.on('finished' as 'state', () => {})).toThrow("simdgrad: TrainingJob.on: unknown event 'finished'; the events are progress, epoch, report, state.");
  });
});
