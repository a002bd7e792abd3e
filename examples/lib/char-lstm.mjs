// The character-level language model of examples/char-lstm.mjs, as functions its test calls too:
// the corpus, its characters as token ids, the model (Embedding → LSTM → Linear on every step),
// a training loop that reports validation bits per character after every epoch, and sampling.
import { readFile } from 'node:fs/promises';
import { F, nn, noGrad, optim, softmax, tensor, tidy } from 'simdgrad';

/** The fortune files the repository ships (data/fortunes/, from Debian's fortunes-min). */
export const SHIPPED_CORPUS = new URL('../../data/fortunes/', import.meta.url);
const FILES = ['fortunes', 'literature', 'riddles'];

/**
 * The fortune-cookie texts of `dir` (default: the shipped copy; or the installed package's
 * /usr/share/games/fortunes), each file's `%` separator lines turned into blank lines.
 */
export async function loadCorpus(dir) {
  const base = dir ? new URL(`file://${dir.replace(/\/?$/, '/')}`) : SHIPPED_CORPUS;
  const suffix = dir ? '' : '.txt';
  const texts = await Promise.all(FILES.map((name) => readFile(new URL(name + suffix, base), 'latin1')));
  return { text: texts.map((t) => t.replace(/^%\n/gm, '\n')).join('\n'), source: dir ?? 'data/fortunes (shipped)' };
}

/** The sorted characters of `text` and the text as their ids. */
export function tokenize(text) {
  const chars = [...new Set(text)].sort();
  const index = new Map(chars.map((c, i) => [c, i]));
  return { chars, ids: Int32Array.from(text, (c) => index.get(c)) };
}

/** −Σ p log2 p of the characters' frequencies in `ids`: the bits per character of a model that ignores context. */
export function unigramEntropy(ids, vocab) {
  const counts = new Float64Array(vocab);
  for (const id of ids) counts[id]++;
  let bits = 0;
  for (const n of counts) if (n > 0) bits -= (n / ids.length) * Math.log2(n / ids.length);
  return bits;
}

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

// A seeded generator (32-bit LCG), so runs repeat exactly.
function generator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** N windows of length + 1 ids starting at the given offsets: inputs [N, length] and next-character targets. */
function windows(ids, starts, length) {
  const x = new Float32Array(starts.length * length);
  const y = new Int32Array(starts.length * length);
  starts.forEach((start, n) => {
    for (let t = 0; t < length; t++) {
      x[n * length + t] = ids[start + t];
      y[n * length + t] = ids[start + t + 1];
    }
  });
  return { x: tensor(x, [starts.length, length]), y };
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
  const random = generator(seed + 1);
  const optimizer = new optim.Adam(model.parameters(), { lr });
  const log = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    model.train();
    let nats = 0;
    const start = performance.now();
    for (let s = 0; s < stepsPerEpoch; s++) {
      const starts = Array.from({ length: batch }, () => Math.floor(random() * (trainIds.length - length - 1)));
      nats += tidy(() => {
        const { x, y } = windows(trainIds, starts, length);
        optimizer.zeroGrad();
        const [logits] = model.forward(x);
        const loss = F.crossEntropy(logits.reshape([batch * length, model.vocab]), y);
        loss.backward();
        optimizer.step();
        return loss.item();
      });
    }
    const seconds = (performance.now() - start) / 1000;
    model.eval();
    const entry = { epoch, trainBits: nats / stepsPerEpoch / Math.LN2, validationBits: bitsPerChar(model, validation, { length }), tokensPerSecond: (stepsPerEpoch * batch * length) / seconds };
    log.push(entry);
    onEpochEnd(entry);
  }
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
