// The vanishing-gradient experiment: one deep MLP built three ways from the same seed — sigmoid,
// ReLU with PyTorch's default initialisation, and ReLU with He (Kaiming) initialisation.
import { F, evaluate, fit, manualSeed, nn, optim, tidy } from 'simdgrad';

/** The networks compared, in the order the tables show them. */
export const NETWORKS = {
  sigmoid: { label: 'sigmoid', activation: () => new nn.Sigmoid(), heInit: false },
  relu: { label: 'ReLU', activation: () => new nn.ReLU(), heInit: false },
  reluHe: { label: 'ReLU + He init', activation: () => new nn.ReLU(), heInit: true },
};

/**
 * 784 → `depth` hidden layers of `width` → 10. The same seed gives the sigmoid and the ReLU
 * network identical weights, so only the activation differs; He init redraws them.
 */
export function deepMlp(network, { depth = 10, width = 64, seed = 0 } = {}) {
  const spec = NETWORKS[network];
  if (!spec) throw new Error(`network must be one of ${Object.keys(NETWORKS).join(', ')}, got '${network}'`);
  manualSeed(seed);
  const layers = [];
  for (let i = 0; i < depth; i++) layers.push(new nn.Linear(i === 0 ? 784 : width, width), spec.activation());
  layers.push(new nn.Linear(depth === 0 ? 784 : width, 10));
  const model = new nn.Sequential(...layers);
  if (spec.heInit) heInit(model);
  return model;
}

/**
 * One forward and backward pass of the cross-entropy on (x, y); returns the L2 norm of each
 * Linear layer's weight gradient, first layer first: [{ layer, name, shape, norm }].
 */
export function weightGradientNorms(model, x, y) {
  model.zeroGrad();
  tidy(() => F.crossEntropy(model.forward(x), y).backward());
  const norms = linearWeights(model).map(([name, p], i) => ({ layer: i + 1, name, shape: p.shape, norm: l2Norm(p.grad.toFloat32Array()) }));
  model.zeroGrad();
  return norms;
}

/** How large the first layer's gradient is next to the last layer's. */
export function firstToLastRatio(norms) {
  return norms[0].norm / norms[norms.length - 1].norm;
}

/** The factor by which the gradient norm changes per layer, on average (geometric mean), going back. */
export function shrinkPerLayer(norms) {
  return firstToLastRatio(norms) ** (1 / (norms.length - 1));
}

/**
 * Trains `model` with Adam; returns its test loss and accuracy before training and fit()'s log
 * of every epoch. `seed` fixes the shuffling, so every network sees the same batches.
 */
export async function trainBriefly(model, { train, test, epochs = 2, lr = 1e-3, batchSize = 64, seed = 0, onEpochEnd }) {
  const before = evaluate(model, { ...test, batchSize: 1000 }, { metrics: ['accuracy'] });
  manualSeed(seed);
  const history = await fit(model, {
    train: { ...train, batchSize, shuffle: true },
    validation: { ...test, batchSize: 1000 },
    epochs,
    optimizer: new optim.Adam(model.parameters(), { lr }),
    metrics: ['accuracy'],
    callbacks: onEpochEnd ? [{ onEpochEnd }] : [],
  });
  return { before, history };
}

// He init: variance 2 / fanIn, which a ReLU (it zeroes half its inputs) halves back to 1 / fanIn.
function heInit(model) {
  for (const [, weight] of linearWeights(model)) nn.init.kaimingNormal_(weight, { nonlinearity: 'relu' });
}

function linearWeights(model) {
  return model.namedParameters().filter(([name]) => name.endsWith('weight'));
}

function l2Norm(values) {
  let sum = 0;
  for (const v of values) sum += v * v;
  return Math.sqrt(sum);
}
