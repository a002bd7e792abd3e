// W6 in TensorFlow.js, written out in ops (TF.js 4.22 has no attention op or layer): the same
// model as bench/systems/simdgrad-workloads.mjs, trained with tf.variableGrads. The token
// embedding is a one-hot matrix product, since the wasm backend lacks gather's gradient
// (UnsortedSegmentSum). TF.js has no
// AdamW, so each step decays the weights by (1 - lr * weightDecay) before its Adam update, which
// is AdamW's rule.
import * as tf from '@tensorflow/tfjs';
import { CHAR_TRANSFORMER, tokenBatch } from '../workloads.mjs';

export function tfjsCharTransformer(batch) {
  const { vocab, sequence, dModel, heads, feedforward, layers, lr, weightDecay } = CHAR_TRANSFORMER;
  const headDim = dModel / heads;
  let seed = 1;
  const weight = (shape, fanIn) => tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn), 'float32', seed++));
  const constant = (shape, value) => tf.variable(tf.fill(shape, value));
  const norm = () => ({ gain: constant([dModel], 1), shift: constant([dModel], 0) });
  const params = {
    tokens: tf.variable(tf.randomNormal([vocab, dModel], 0, 1, 'float32', seed++)),
    positions: tf.variable(tf.randomNormal([sequence, dModel], 0, 1, 'float32', seed++)),
    blocks: Array.from({ length: layers }, () => ({
      norm1: norm(),
      qkv: weight([dModel, 3 * dModel], dModel), qkvBias: constant([3 * dModel], 0),
      out: weight([dModel, dModel], dModel), outBias: constant([dModel], 0),
      norm2: norm(),
      up: weight([dModel, feedforward], dModel), upBias: constant([feedforward], 0),
      down: weight([feedforward, dModel], feedforward), downBias: constant([dModel], 0),
    })),
    final: norm(),
    head: weight([dModel, vocab], dModel), headBias: constant([vocab], 0),
  };
  const variables = collect(params);
  const { inputs, targets } = tokenBatch(batch);
  const x = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(inputs, 'int32'), vocab), 'float32'));
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), vocab), 'float32'));
  const causal = tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([sequence, sequence]), -1, 0)), -1e9));
  const rows = batch * sequence;

  const layerNorm = (h, { gain, shift }) => {
    const { mean, variance } = tf.moments(h, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-5))), gain), shift);
  };
  const gelu = (h) => tf.mul(tf.mul(h, 0.5), tf.add(tf.erf(tf.div(h, Math.SQRT2)), 1));
  const dense = (h, w, b) => tf.add(tf.matMul(h, w), b);

  const loss = () => {
    let h = tf.add(tf.matMul(x, params.tokens).reshape([batch, sequence, dModel]), params.positions).reshape([rows, dModel]);
    for (const block of params.blocks) {
      const qkv = dense(layerNorm(h, block.norm1), block.qkv, block.qkvBias).reshape([batch, sequence, 3, heads, headDim]).transpose([2, 0, 3, 1, 4]);
      const [q, k, v] = tf.unstack(qkv);
      const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim)), causal);
      const attended = tf.matMul(tf.softmax(scores), v).transpose([0, 2, 1, 3]).reshape([rows, dModel]);
      h = tf.add(h, dense(attended, block.out, block.outBias));
      h = tf.add(h, dense(gelu(dense(layerNorm(h, block.norm2), block.up, block.upBias)), block.down, block.downBias));
    }
    return tf.losses.softmaxCrossEntropy(y, dense(layerNorm(h, params.final), params.head, params.headBias));
  };

  const optimizer = tf.train.adam(lr);
  const step = () => {
    const cost = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, variables);
      for (const v of variables) v.assign(tf.mul(v, 1 - lr * weightDecay));
      optimizer.applyGradients(grads);
      return value;
    });
    cost.dataSync();
    cost.dispose();
  };
  return { step, dispose: () => (variables.forEach((v) => v.dispose()), x.dispose(), y.dispose(), causal.dispose(), optimizer.dispose()) };
}

function collect(value) {
  if (value instanceof tf.Variable) return [value];
  return Object.values(value).flatMap((v) => (Array.isArray(v) ? v.flatMap(collect) : collect(v)));
}
