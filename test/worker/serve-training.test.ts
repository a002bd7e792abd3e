import { describe, expect, it } from 'vitest';
import { serveTraining, startTraining } from 'simdgrad';
import { channel, connect, trainBlobs } from '../helpers/training-worker.js';

describe('serveTraining', () => {
  it('sends at most one progress message per progressIntervalMs, and always the last batch of an epoch', async () => {
    const job = startTraining(connect(trainBlobs, { progressIntervalMs: 60_000 }), { samples: 64, epochs: 2, batchSize: 16 });
    const progress: string[] = [];
    job.on('progress', (p) => progress.push(`${p.epoch}.${p.batch}`));
    await job.result;
    expect(progress).toEqual(['1.1', '1.4', '2.4']);
  });

  it('refuses a second job while one runs in the same worker', async () => {
    const worker = connect(trainBlobs);
    const first = startTraining(worker, { samples: 400, epochs: 1, batchSize: 10, msPerBatch: 2 });
    const second = startTraining(worker, { samples: 64, epochs: 1, batchSize: 16 });
    await expect(second.result).rejects.toThrow(/^simdgrad: serveTraining: job \d+ was started while job \d+ still runs; a worker trains one job at a time/);
    await first.result;
    await expect(startTraining(worker, { samples: 64, epochs: 1, batchSize: 16 }).result).resolves.toMatchObject({ epoch: 1 });
  });

  it('fails the job with the error the training function threw', async () => {
    const job = startTraining(connect(async () => {
      throw new Error('out of coffee');
    }), null);
    await expect(job.result).rejects.toThrow(/^simdgrad: the training function in the worker threw: out of coffee$/);
    expect(job.state).toBe('failed');
  });

  it("delivers the page's cancel to a loop of the worker's own that only awaits checkpoint()", async () => {
    const job = startTraining(connect(async (_config, context) => {
      for (let step = 0; step < 300; step++) {
        const end = performance.now() + 2;
        while (performance.now() < end);
        await context.checkpoint();
      }
      return 'finished';
    }), null);
    setTimeout(() => void job.cancel(), 20);
    await expect(job.result).rejects.toMatchObject({ name: 'AbortError' });
    expect(job.state).toBe('cancelled');
  });

  it('stops listening when told to', async () => {
    const { page, worker } = channel();
    const stop = serveTraining(async () => 'trained', { endpoint: worker });
    await expect(startTraining(page, null).result).resolves.toBe('trained');
    stop();
    const unanswered = startTraining(page, null);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unanswered.state).toBe('running');
  });

  it('says where it must run, and refuses a bad progress interval', () => {
    expect(() => serveTraining(async () => 0)).toThrow(
      "simdgrad: serveTraining: this is not a worker's global scope (no self.postMessage, or a page's window); call it in a Worker's script, or pass { endpoint: port } with a MessagePort.",
    );
    expect(() => serveTraining(async () => 0, { endpoint: channel().worker, progressIntervalMs: -1 })).toThrow('simdgrad: serveTraining: progressIntervalMs must be a number >= 0, got -1.');
  });
});
