import { afterEach, describe, expect, it } from 'vitest';
import { fit, manualSeed, nn, optim, randn, serveTraining, startTraining, tensor, type EpochLogs, type MessageEndpoint, type TrainingContext, type TrainingProgress, type TrainingState } from 'simdgrad';

// The page and the worker in one thread, joined by a MessageChannel as a Worker and its scope
// are: fit() yields to the event loop, so control messages arrive while it trains.
let channels: MessageChannel[] = [];
afterEach(() => {
  for (const { port1, port2 } of channels) {
    port1.close();
    port2.close();
  }
  channels = [];
});

function connect<Config, Result>(train: (config: Config, context: TrainingContext) => Promise<Result>): MessageEndpoint {
  const channel = new MessageChannel();
  channels.push(channel);
  serveTraining(train, { endpoint: channel.port2 as unknown as MessageEndpoint, progressIntervalMs: 0 });
  return channel.port1 as unknown as MessageEndpoint;
}

interface BlobsConfig {
  samples: number;
  epochs: number;
  batchSize: number;
  /** Busy time per batch, so a test can act while the job runs. */
  msPerBatch?: number;
}

/** Two Gaussian blobs, classified by a small MLP; returns its last epoch's logs. */
async function trainBlobs(config: BlobsConfig, context: TrainingContext): Promise<EpochLogs> {
  manualSeed(7);
  const x = randn([config.samples, 2]).toFloat32Array();
  const y = Int32Array.from({ length: config.samples }, (_, i) => i % 2);
  y.forEach((label, i) => (x[2 * i] += label ? 3 : -3));
  const inputs = tensor(x, [config.samples, 2]);
  const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));
  const forward = model.forward.bind(model);
  model.forward = (batch) => {
    const end = performance.now() + (config.msPerBatch ?? 0);
    while (performance.now() < end);
    return forward(batch);
  };
  try {
    const history = await fit(model, {
      train: { x: inputs, y, batchSize: config.batchSize },
      epochs: config.epochs,
      optimizer: new optim.Adam(model.parameters(), { lr: 0.05 }),
      metrics: ['accuracy'],
      callbacks: [context.callback],
    });
    context.report({ parameters: model.numParameters() });
    return history.at(-1)!;
  } finally {
    inputs.dispose();
    model.dispose();
  }
}

describe('startTraining / serveTraining', () => {
  it('runs the job in the worker and streams progress, epoch logs and reports to the page', async () => {
    const worker = connect(trainBlobs);
    const job = startTraining<EpochLogs>(worker, { samples: 64, epochs: 3, batchSize: 16 });
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

  it('sends at most one progress message per progressIntervalMs, and always the last batch of an epoch', async () => {
    const channel = new MessageChannel();
    channels.push(channel);
    serveTraining(trainBlobs, { endpoint: channel.port2 as unknown as MessageEndpoint, progressIntervalMs: 60_000 });
    const job = startTraining(channel.port1 as unknown as MessageEndpoint, { samples: 64, epochs: 2, batchSize: 16 });
    const progress: string[] = [];
    job.on('progress', (p) => progress.push(`${p.epoch}.${p.batch}`));
    await job.result;
    expect(progress).toEqual(['1.1', '1.4', '2.4']);
  });

  it('pause() stops the job after its current batch, resume() continues it', async () => {
    const job = startTraining(connect(trainBlobs), { samples: 400, epochs: 1, batchSize: 10, msPerBatch: 2 });
    let batches = 0;
    job.on('progress', (p) => (batches = p.batch));
    await new Promise<void>((resolve) => job.on('progress', (p) => p.batch >= 3 && resolve()));
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
    await new Promise<void>((resolve) => job.on('progress', () => resolve()));
    await job.cancel();
    expect(job.state).toBe('cancelled');
    await expect(job.result).rejects.toMatchObject({ name: 'AbortError', message: expect.stringMatching(/^simdgrad: TrainingJob \d+: cancelled by cancel\(\)\.$/) });
    expect(lastBatch).toBeLessThan(40);
  });

  it('cancels a paused job', async () => {
    const job = startTraining(connect(trainBlobs), { samples: 400, epochs: 1, batchSize: 10, msPerBatch: 2 });
    await new Promise<void>((resolve) => job.on('progress', () => resolve()));
    await job.pause();
    await job.cancel();
    expect(job.state).toBe('cancelled');
  });

  it('rejects result with the error the training function threw', async () => {
    const job = startTraining(connect(async () => {
      throw new Error('out of coffee');
    }), null);
    await expect(job.result).rejects.toThrow(/^simdgrad: the training function in the worker threw: out of coffee$/);
    expect(job.state).toBe('failed');
  });

  it('refuses a second job while one runs in the same worker', async () => {
    const worker = connect(trainBlobs);
    const first = startTraining(worker, { samples: 400, epochs: 1, batchSize: 10, msPerBatch: 2 });
    const second = startTraining(worker, { samples: 64, epochs: 1, batchSize: 16 });
    await expect(second.result).rejects.toThrow(/^simdgrad: serveTraining: job \d+ was started while job \d+ still runs; a worker trains one job at a time/);
    await first.result;
  });

  it('fails the job on a malformed message from the worker', async () => {
    const channel = new MessageChannel();
    channels.push(channel);
    const job = startTraining(channel.port1 as unknown as MessageEndpoint, null);
    channel.port2.postMessage({ protocol: 'simdgrad-training', job: job.id, kind: 'progress', progress: { epoch: 'one' } });
    await expect(job.result).rejects.toThrow(
      `simdgrad: TrainingJob ${job.id}: malformed 'progress' message of job ${job.id}: epoch, batch, loss, samples, seconds, samplesPerSecond must be numbers; both sides must run the same simdgrad version`,
    );
  });

  it('ignores messages of other protocols and other jobs on the same channel', async () => {
    const channel = new MessageChannel();
    channels.push(channel);
    const job = startTraining(channel.port1 as unknown as MessageEndpoint, null);
    channel.port2.postMessage({ hello: 'app message' });
    channel.port2.postMessage({ protocol: 'simdgrad-training', job: job.id + 1000, kind: 'done', result: 'not mine' });
    channel.port2.postMessage({ protocol: 'simdgrad-training', job: job.id, kind: 'done', result: 'mine' });
    await expect(job.result).resolves.toBe('mine');
  });

  it('names what it needs when given something that is not a worker', () => {
    expect(() => startTraining({} as MessageEndpoint, null)).toThrow(
      "simdgrad: startTraining: the first argument must be a Worker or a MessagePort (with postMessage and addEventListener), got Object; pass new Worker(url, { type: 'module' }).",
    );
    expect(() => serveTraining(async () => 0)).toThrow(/^simdgrad: serveTraining: this is not a worker's global scope/);
    expect(() => serveTraining(async () => 0, { endpoint: new MessageChannel().port1 as unknown as MessageEndpoint, progressIntervalMs: -1 })).toThrow(
      'simdgrad: serveTraining: progressIntervalMs must be a number >= 0, got -1.',
    );
  });
});
