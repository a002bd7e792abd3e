// The standard workloads of docs/workloads.md as data every system module reads, so that
// all of them build the same networks on the same inputs.

export const GEMM_SIZES = [128, 256, 512, 1024];

/** One row of the comparison table each: a workload, and for W1 one matrix size. */
export const TASKS = [
  ...GEMM_SIZES.map((n) => ({ id: `W1-${n}`, workload: 'W1', n, label: `W1 GEMM N=${n}`, unit: 'GFLOP/s' })),
  { id: 'W2', workload: 'W2', batch: 64, label: 'W2 MLP train step', unit: 'samples/s' },
  { id: 'W3', workload: 'W3', batch: 64, label: 'W3 LeNet train step', unit: 'samples/s' },
  { id: 'W4', workload: 'W4', batch: 32, label: 'W4 VGG-mini train step', unit: 'samples/s' },
  { id: 'W5', workload: 'W5', batch: 64, label: 'W5 LeNet inference', unit: 'samples/s' },
  { id: 'W6', workload: 'W6', batch: 32, label: 'W6 char-transformer', unit: 'tokens/s' },
  { id: 'W7', workload: 'W7', batch: 32, label: 'W7 char-LSTM train step', unit: 'tokens/s' },
];

/**
 * W6's character-level transformer: token + learned position embeddings, pre-norm GELU encoder
 * layers with a causal mask and no dropout, a final LayerNorm and a linear head over the
 * vocabulary; AdamW(lr 1e-3, weight decay 0.01). Every system builds it from these numbers.
 */
export const CHAR_TRANSFORMER = { vocab: 64, sequence: 64, dModel: 128, heads: 4, feedforward: 512, layers: 2, lr: 1e-3, weightDecay: 0.01 };

/**
 * W6's batch: `batch` rows of sequence + 1 tokens uniform in 0..vocab-1 from a fixed seed; the
 * inputs are each row's first `sequence` tokens, the targets the same shifted by one.
 */
export function tokenBatch(batch, { vocab, sequence } = CHAR_TRANSFORMER, seed = 11) {
  const inputs = new Int32Array(batch * sequence);
  const targets = new Int32Array(batch * sequence);
  let state = seed >>> 0;
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t <= sequence; t++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const token = (state >>> 16) % vocab;
      if (t < sequence) inputs[b * sequence + t] = token;
      if (t > 0) targets[b * sequence + t - 1] = token;
    }
  }
  return { inputs, targets };
}

/**
 * W7, the character-level LSTM: Embedding(vocab, embed) -> LSTM(embed, hidden, batch_first,
 * zero initial state) -> Linear(hidden, vocab) on every step -> cross-entropy (mean) over all
 * batch x steps positions, Adam(1e-3). Tokens and targets come from `tokens()`.
 */
export const CHAR_LSTM = { vocab: 64, embed: 64, hidden: 256, steps: 64 };

/** The figure of merit for one step of `task` that took `seconds`. */
export function figure(task, seconds) {
  if (task.workload === 'W1') return (2 * task.n ** 3) / seconds / 1e9;
  if (task.workload === 'W6') return (task.batch * CHAR_TRANSFORMER.sequence) / seconds;
  if (task.workload === 'W7') return (task.batch * CHAR_LSTM.steps) / seconds;
  return task.batch / seconds;
}

/**
 * The networks, layer by layer in PyTorch's terms, each ReLU a layer of its own; input shapes
 * are per sample, [features] or [C, H, W]. W3 and W5 share LENET.
 */
export const MLP = {
  input: [784],
  layers: [
    { type: 'linear', out: 256 },
    { type: 'relu' },
    { type: 'linear', out: 128 },
    { type: 'relu' },
    { type: 'linear', out: 10 },
  ],
};

export const LENET = {
  input: [1, 28, 28],
  layers: [
    { type: 'conv', out: 8, kernel: 5, padding: 2 },
    { type: 'relu' },
    { type: 'maxpool', kernel: 2 },
    { type: 'conv', out: 16, kernel: 5, padding: 0 },
    { type: 'relu' },
    { type: 'maxpool', kernel: 2 },
    { type: 'flatten' },
    { type: 'linear', out: 120 },
    { type: 'relu' },
    { type: 'linear', out: 10 },
  ],
};

export const VGG_MINI = {
  input: [3, 32, 32],
  layers: [
    { type: 'conv', out: 32, kernel: 3, padding: 1 },
    { type: 'relu' },
    { type: 'conv', out: 32, kernel: 3, padding: 1 },
    { type: 'relu' },
    { type: 'maxpool', kernel: 2 },
    { type: 'conv', out: 64, kernel: 3, padding: 1 },
    { type: 'relu' },
    { type: 'conv', out: 64, kernel: 3, padding: 1 },
    { type: 'relu' },
    { type: 'maxpool', kernel: 2 },
    { type: 'flatten' },
    { type: 'linear', out: 256 },
    { type: 'relu' },
    { type: 'linear', out: 10 },
  ],
};

/** The network a training or inference task runs (not W7: that is CHAR_LSTM). */
export function networkFor(task) {
  const net = { W2: MLP, W3: LENET, W4: VGG_MINI, W5: LENET }[task.workload];
  if (!net) throw new Error(`bench: ${task.workload} runs no network`);
  return net;
}

/**
 * Walks `net`'s layers, giving each layer its input shape [C, H, W] (or [features] after
 * flatten), so that every system can size its weights the same way.
 */
export function layersWithShapes(net) {
  let shape = net.input;
  return net.layers.map((layer) => {
    const inShape = shape;
    if (layer.type === 'conv') {
      const side = (d) => d + 2 * layer.padding - layer.kernel + 1;
      shape = [layer.out, side(shape[1]), side(shape[2])];
    } else if (layer.type === 'maxpool') {
      shape = [shape[0], Math.floor(shape[1] / layer.kernel), Math.floor(shape[2] / layer.kernel)];
    } else if (layer.type === 'flatten') {
      shape = [shape.reduce((a, b) => a * b, 1)];
    } else if (layer.type === 'linear') {
      shape = [layer.out];
    }
    return { ...layer, inShape, outShape: shape };
  });
}

/**
 * Deterministic inputs: `count` values of N(0, 1) from a fixed seed (a 32-bit LCG through
 * Box-Muller), identical in every JavaScript system.
 */
export function normalValues(count, seed = 1) {
  const values = new Float32Array(count);
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 1) / 4294967297;
  };
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(uniform()));
    const angle = 2 * Math.PI * uniform();
    values[i] = radius * Math.cos(angle);
    if (i + 1 < count) values[i + 1] = radius * Math.sin(angle);
  }
  return values;
}

/** Class labels uniform in 0..9 from a fixed seed. */
export function labels(count, seed = 7) {
  const out = new Int32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state >>> 16) % 10;
  }
  return out;
}

/**
 * W7's tokens and targets: `count` token ids uniform in 0..vocab-1 from a fixed seed; the targets
 * are tokens(count, seed + 1). Identical in every system (the PyTorch side gets them in the task).
 */
export function tokens(count, seed = 3, vocab = CHAR_LSTM.vocab) {
  const out = new Int32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state >>> 16) % vocab;
  }
  return out;
}
