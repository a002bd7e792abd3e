// The environment-neutral half of the character-level examples' text pipeline: the fortune
// files turned into one text, the text as ids over its sorted characters, training windows and
// the training loop both character models share. No Node API here, so the web page's worker
// (web/text-training.js) imports it too; text-corpus.mjs reads the files from disk.
import { F, tensor, tidy } from 'simdgrad';

/** The fortune-cookie files of the corpus (data/fortunes/ ships them with a `.txt` suffix). */
export const FORTUNE_FILES = ['fortunes', 'literature', 'riddles'];

/** The fortune files' texts as one text, each file's `%` separator lines turned into blank lines. */
export function joinFortunes(texts) {
  return texts.map((t) => t.replace(/^%\n/gm, '\n')).join('\n');
}

/** The sorted characters of `text` and the text as their ids. */
export function tokenize(text) {
  const chars = [...new Set(text)].sort();
  const index = new Map(chars.map((c, i) => [c, i]));
  return { chars, ids: Int32Array.from(text, (c) => index.get(c)) };
}

/** The first (1 - fraction) of `ids` to train on and the rest to validate on. */
export function splitIds(ids, validationFraction = 0.1) {
  const cut = Math.floor(ids.length * (1 - validationFraction));
  return { train: ids.subarray(0, cut), validation: ids.subarray(cut) };
}

/** −Σ p log2 p of the characters' frequencies in `ids`: the bits per character of a model that ignores context. */
export function unigramEntropy(ids, vocab) {
  const counts = new Float64Array(vocab);
  for (const id of ids) counts[id]++;
  let bits = 0;
  for (const n of counts) if (n > 0) bits -= (n / ids.length) * Math.log2(n / ids.length);
  return bits;
}

/** A seeded generator of uniform numbers in [0, 1) (a 32-bit LCG), so runs repeat exactly. */
export function generator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** N windows of length + 1 ids starting at the given offsets: inputs [N, length] and next-character targets. */
export function windows(ids, starts, length) {
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

/**
 * One training step on `batch` windows of `length` + 1 ids of `trainIds` at offsets drawn from
 * `random`: one `optimizer` update on the mean cross-entropy of `logitsOf(x)` ([batch, length,
 * vocab]) against the next characters. Returns that cross-entropy (nats).
 */
export function windowStep(model, optimizer, { trainIds, logitsOf, batch, length, random }) {
  const starts = Array.from({ length: batch }, () => Math.floor(random() * (trainIds.length - length - 1)));
  return tidy(() => {
    const { x, y } = windows(trainIds, starts, length);
    optimizer.zeroGrad();
    const loss = F.crossEntropy(logitsOf(x).reshape([batch * length, model.vocab]), y);
    loss.backward();
    optimizer.step();
    return loss.item();
  });
}

/**
 * The training loop both character models share: `stepsPerEpoch` windowStep()s an epoch; after
 * each epoch it calls onEpochEnd({ epoch, trainBits, validationBits, tokensPerSecond }).
 */
export function trainOnWindows(model, optimizer, { trainIds, logitsOf, validationBits, epochs, stepsPerEpoch, batch, length, seed, onEpochEnd }) {
  const random = generator(seed + 1);
  const log = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    model.train();
    let nats = 0;
    const start = performance.now();
    for (let s = 0; s < stepsPerEpoch; s++) nats += windowStep(model, optimizer, { trainIds, logitsOf, batch, length, random });
    const seconds = (performance.now() - start) / 1000;
    model.eval();
    const entry = { epoch, trainBits: nats / stepsPerEpoch / Math.LN2, validationBits: validationBits(), tokensPerSecond: (stepsPerEpoch * batch * length) / seconds };
    log.push(entry);
    onEpochEnd(entry);
  }
  return log;
}
