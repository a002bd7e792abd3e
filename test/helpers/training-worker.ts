import { afterEach } from 'vitest';
import { fit, manualSeed, nn, optim, randn, serveTraining, tensor, type EpochLogs, type MessageEndpoint, type ServeTrainingOptions, type TrainingContext } from 'simdgrad';

// A page and its worker in one thread, joined by a MessageChannel as a Worker and its scope are:
// fit() yields to the event loop, so control messages arrive while it trains.
const channels: MessageChannel[] = [];
afterEach(() => {
  for (const { port1, port2 } of channels.splice(0)) {
    port1.close();
    port2.close();
  }
});

/** Two ends of a fresh channel, closed after the test: `page` for startTraining, `worker` for serveTraining. */
export function channel(): { page: MessageEndpoint; worker: MessageEndpoint } {
  const pair = new MessageChannel();
  channels.push(pair);
  return { page: pair.port1 as unknown as MessageEndpoint, worker: pair.port2 as unknown as MessageEndpoint };
}

/** A worker serving `train` (progress after every batch unless told otherwise); returns the page's end. */
export function connect<Config, Result>(train: (config: Config, context: TrainingContext) => Promise<Result>, options: ServeTrainingOptions = {}): MessageEndpoint {
  const { page, worker } = channel();
  serveTraining(train, { endpoint: worker, progressIntervalMs: 0, ...options });
  return page;
}

export interface BlobsConfig {
  samples: number;
  epochs: number;
  batchSize: number;
  /** Busy time per batch, so a test can act while the job runs. */
  msPerBatch?: number;
}

/** Two Gaussian blobs, classified by a small MLP (42 parameters) with fit(); returns its last epoch's logs. */
export async function trainBlobs(config: BlobsConfig, context: TrainingContext): Promise<EpochLogs> {
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
