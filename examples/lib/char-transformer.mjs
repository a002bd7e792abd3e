// The character-level transformer of examples/char-transformer.mjs (workload W6's model at a
// size of your choosing), as functions its test calls too: the model, a training loop with
// AdamW that reports validation bits per character after every epoch, and sampling.
import { F, add, arange, nn, noGrad, optim, softmax, tensor, tidy } from 'simdgrad';
import { generator, trainOnWindows, windows } from './char-text.mjs';

/**
 * Token embedding + learned position embedding → `layers` pre-norm GELU encoder layers with a
 * causal mask (position i sees positions <= i) → LayerNorm → Linear over the vocabulary.
 */
export class CharTransformer extends nn.Module {
  constructor(vocab, { context = 64, dModel = 128, heads = 4, feedforward = 4 * dModel, layers = 2, dropout = 0 } = {}) {
    super();
    this.vocab = vocab;
    this.context = context;
    this.tokenEmbedding = this.registerModule('token_embedding', new nn.Embedding(vocab, dModel));
    this.positionEmbedding = this.registerModule('position_embedding', new nn.Embedding(context, dModel));
    const layer = new nn.TransformerEncoderLayer(dModel, heads, { dimFeedforward: feedforward, dropout, activation: 'gelu', batchFirst: true, normFirst: true });
    this.encoder = this.registerModule('encoder', new nn.TransformerEncoder(layer, layers));
    layer.dispose();
    this.norm = this.registerModule('norm', new nn.LayerNorm(dModel));
    this.head = this.registerModule('head', new nn.Linear(dModel, vocab));
  }

  /** ids [N, T] (T <= context) → logits [N, T, vocab], each position predicting the next character. */
  forward(ids) {
    const positions = arange(ids.shape[1]);
    const h = add(this.tokenEmbedding.forward(ids), this.positionEmbedding.forward(positions));
    return this.head.forward(this.norm.forward(this.encoder.forward(h, { isCausal: true })));
  }
}

/** Mean cross-entropy of the model over every non-overlapping window of `ids`, in bits per character. */
export function bitsPerChar(model, ids, { batch = 32 } = {}) {
  const length = model.context;
  const starts = Array.from({ length: Math.floor((ids.length - 1) / length) }, (_, i) => i * length);
  let nats = 0;
  for (let i = 0; i < starts.length; i += batch) {
    const chunk = starts.slice(i, i + batch);
    nats += tidy(() => noGrad(() => {
      const { x, y } = windows(ids, chunk, length);
      return F.crossEntropy(model.forward(x).reshape([chunk.length * length, model.vocab]), y).item() * chunk.length;
    }));
  }
  return nats / starts.length / Math.LN2;
}

/**
 * Trains on random windows of `train` with AdamW (weight decay 0.01), `stepsPerEpoch` steps an
 * epoch, and after each epoch calls onEpochEnd({ epoch, trainBits, validationBits, tokensPerSecond }).
 */
export function train(model, { train: trainIds, validation, epochs, stepsPerEpoch, batch = 32, lr = 1e-3, weightDecay = 0.01, seed = 0, onEpochEnd = () => {} }) {
  const optimizer = new optim.AdamW(model.parameters(), { lr, weightDecay });
  const log = trainOnWindows(model, optimizer, {
    trainIds, epochs, stepsPerEpoch, batch, length: model.context, seed, onEpochEnd,
    logitsOf: (x) => model.forward(x),
    validationBits: () => bitsPerChar(model, validation),
  });
  optimizer.dispose();
  return log;
}

/**
 * `count` characters drawn one at a time after `prompt`, from softmax(logits / temperature) at
 * the last position; the model sees at most its last `context` characters.
 */
export function sample(model, chars, { prompt = '\n', count = 300, temperature = 0.8, seed = 0 } = {}) {
  const random = generator(seed + 2);
  const index = new Map(chars.map((c, i) => [c, i]));
  const ids = [...prompt].map((c) => index.get(c) ?? 0);
  let text = '';
  noGrad(() => {
    for (let i = 0; i < count; i++) {
      const window = ids.slice(-model.context);
      const pick = tidy(() => {
        const logits = model.forward(tensor(Float32Array.from(window), [1, window.length])).toFloat32Array();
        const last = logits.subarray((window.length - 1) * model.vocab);
        const p = softmax(tensor(Float32Array.from(last, (v) => v / temperature))).toFloat32Array();
        let r = random();
        let choice = 0;
        while (choice < p.length - 1 && (r -= p[choice]) > 0) choice++;
        return choice;
      });
      ids.push(pick);
      text += chars[pick];
    }
  });
  return text;
}
