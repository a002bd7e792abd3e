// The character-level language model of examples/char-lstm.mjs, as functions its test calls too:
// the model (Embedding → LSTM → Linear on every step), a training loop that reports validation
// bits per character after every epoch, and sampling (the corpus: text-corpus.mjs, char-text.mjs).
import { F, nn, noGrad, optim, softmax, tensor, tidy } from 'simdgrad';
import { generator, trainOnWindows, windows } from './char-text.mjs';

/** Embedding(vocab, embed) → LSTM(embed, hidden, batchFirst) → Linear(hidden, vocab). */
export class CharLstm extends nn.Module {
  constructor(vocab, { embed = 64, hidden = 256 } = {}) {
    super();
    this.vocab = vocab;
    this.embedding = this.registerModule('embedding', new nn.Embedding(vocab, embed));
    this.lstm = this.registerModule('lstm', new nn.LSTM(embed, hidden, { batchFirst: true }));
    this.head = this.registerModule('head', new nn.Linear(hidden, vocab));
  }

  /** ids [N, T] → [logits [N, T, vocab], [hN, cN]], continuing from `state` when given. */
  forward(ids, state) {
    const [output, next] = this.lstm.forward(this.embedding.forward(ids), state);
    return [this.head.forward(output), next];
  }
}

/** Mean cross-entropy of the model over every non-overlapping window of `ids`, in bits per character. */
export function bitsPerChar(model, ids, { length = 64, batch = 32 } = {}) {
  const starts = Array.from({ length: Math.floor((ids.length - 1) / length) }, (_, i) => i * length);
  let nats = 0;
  for (let i = 0; i < starts.length; i += batch) {
    const chunk = starts.slice(i, i + batch);
    nats += tidy(() => noGrad(() => {
      const { x, y } = windows(ids, chunk, length);
      const [logits] = model.forward(x);
      return F.crossEntropy(logits.reshape([chunk.length * length, model.vocab]), y).item() * chunk.length;
    }));
  }
  return nats / starts.length / Math.LN2;
}

/**
 * Trains on random windows of `train` with Adam, `stepsPerEpoch` steps an epoch, and after each
 * epoch calls onEpochEnd({ epoch, trainBits, validationBits, tokensPerSecond }).
 */
export function train(model, { train: trainIds, validation, epochs, stepsPerEpoch, batch = 32, length = 64, lr = 2e-3, seed = 0, onEpochEnd = () => {} }) {
  const optimizer = new optim.Adam(model.parameters(), { lr });
  const log = trainOnWindows(model, optimizer, {
    trainIds, epochs, stepsPerEpoch, batch, length, seed, onEpochEnd,
    logitsOf: (x) => model.forward(x)[0],
    validationBits: () => bitsPerChar(model, validation, { length }),
  });
  optimizer.dispose();
  return log;
}

/** `count` characters drawn one at a time after `prompt`, from softmax(logits / temperature). */
export function sample(model, chars, { prompt = '\n', count = 300, temperature = 0.8, seed = 0 } = {}) {
  const random = generator(seed + 2);
  const index = new Map(chars.map((c, i) => [c, i]));
  let text = '';
  let state;
  let next = [...prompt].map((c) => index.get(c) ?? 0);
  noGrad(() => {
    for (let i = 0; i < count; i++) {
      const { pick, nextState } = tidy(() => {
        const [logits, nextState] = model.forward(tensor(Float32Array.from(next), [1, next.length]), state);
        const last = logits.reshape([next.length, model.vocab]).toFloat32Array().subarray((next.length - 1) * model.vocab);
        const p = softmax(tensor(Float32Array.from(last, (v) => v / temperature))).toFloat32Array();
        let r = random();
        let pick = 0;
        while (pick < p.length - 1 && (r -= p[pick]) > 0) pick++;
        return { pick, nextState };
      });
      state?.forEach((t) => t.dispose());
      state = nextState;
      text += chars[pick];
      next = [pick];
    }
  });
  state?.forEach((t) => t.dispose());
  return text;
}
