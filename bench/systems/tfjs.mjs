// TensorFlow.js 4.22 with its wasm or cpu backend (the union package, which registers the
// gradients tfjs-core alone lacks): models from tf.variable, trained with tf.variableGrads +
// tf.train.adam. Layers use TF.js's fused conv/matmul + bias + ReLU ops,
// the fast path tf.layers takes too, and its native NHWC layout.
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { CHAR_LSTM, layersWithShapes, labels, networkFor, normalValues, tokens } from '../workloads.mjs';
import { tfjsCharTransformer } from './tfjs-char-transformer.mjs';

/** The system module for one backend: 'wasm' or 'cpu'. */
export function tfjsSystem(backendName) {
  return {
    label: `tfjs-${backendName}`,
    async setup() {
      // The wasm backend never uses threads under Node (WASM_HAS_MULTITHREAD_SUPPORT is false
      // there); one thread is asked for anyway so the run stays single-threaded if that changes.
      if (backendName === 'wasm') setThreadsCount(1);
      if (!(await tf.setBackend(backendName))) throw new Error(`tf.setBackend('${backendName}') failed`);
      await tf.ready();
      const simd = backendName === 'wasm' ? `, SIMD ${await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')}` : '';
      return { notes: `tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}${simd}, NHWC, float32` };
    },
    prepare,
    explainError,
  };
}

function prepare(task) {
  if (task.workload === 'W1') return gemm(task.n);
  if (task.workload === 'W6') return tfjsCharTransformer(task.batch);
  if (task.workload === 'W7') return charLstm(task.batch);
  const net = networkFor(task);
  const [c, h, w] = net.input;
  const inputShape = net.input.length === 1 ? [task.batch, c] : [task.batch, h, w, c];
  const x = tf.tensor(normalValues(inputShape.reduce((a, b) => a * b, 1)), inputShape);
  const model = buildModel(layersWithShapes(net));
  const dispose = () => (x.dispose(), model.dispose());
  if (task.workload === 'W5') {
    return { step: () => tf.tidy(() => model.forward(x).dataSync()), dispose };
  }
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels(task.batch), 'int32'), 10), 'float32'));
  const optimizer = tf.train.adam(1e-3);
  const step = () => {
    const cost = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.forward(x)), model.variables);
      optimizer.applyGradients(grads);
      return value;
    });
    cost.dataSync();
    cost.dispose();
  };
  return { step, dispose: () => (dispose(), y.dispose(), optimizer.dispose()) };
}

// W7 from TF.js ops: the embedding as one-hot rows times the table (the wasm backend has no
// UnsortedSegmentSum, the gradient of tf.gather), tf.basicLSTMCell per step (one matMul of
// [x, h] against the stacked kernel, its gates i, j, f, o), one matMul for the head over all steps.
function charLstm(batch) {
  const { vocab, embed, hidden, steps } = CHAR_LSTM;
  const variables = [];
  const param = (shape, bound, seed) => {
    const v = tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', seed));
    variables.push(v);
    return v;
  };
  const table = param([vocab, embed], 1, 1);
  const kernel = param([embed + hidden, 4 * hidden], 1 / Math.sqrt(hidden), 2);
  const bias = param([4 * hidden], 1 / Math.sqrt(hidden), 3);
  const headWeight = param([hidden, vocab], 1 / Math.sqrt(hidden), 4);
  const headBias = param([vocab], 1 / Math.sqrt(hidden), 5);
  const x = tf.tidy(() => tf.oneHot(tf.tensor1d(tokens(batch * steps), 'int32'), vocab).toFloat());
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(tokens(batch * steps, 4), 'int32'), vocab).toFloat());
  const optimizer = tf.train.adam(1e-3);
  const loss = () => {
    const inputs = tf.unstack(tf.reshape(tf.matMul(x, table), [batch, steps, embed]), 1);
    let c = tf.zeros([batch, hidden]);
    let h = tf.zeros([batch, hidden]);
    const outputs = inputs.map((xt) => {
      [c, h] = tf.basicLSTMCell(0, kernel, bias, xt, c, h);
      return h;
    });
    const features = tf.reshape(tf.stack(outputs, 1), [batch * steps, hidden]);
    return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(features, headWeight), headBias));
  };
  const step = () => {
    const cost = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, variables);
      optimizer.applyGradients(grads);
      return value;
    });
    cost.dataSync();
    cost.dispose();
  };
  return { step, dispose: () => (x.dispose(), y.dispose(), optimizer.dispose(), variables.forEach((v) => v.dispose())) };
}

function explainError(error) {
  const missing = /Kernel '(\w+)' not registered|'(\w+)' not yet implemented/.exec(String(error?.message));
  return missing ? `kernel missing: ${missing[1] ?? missing[2]}` : undefined;
}

function gemm(n) {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  return { step: () => tf.matMul(a, b).dispose(), dispose: () => (a.dispose(), b.dispose()) };
}

// Each conv or linear layer followed by a ReLU becomes one fused op.
function buildModel(layers) {
  const variables = [];
  const param = (shape, fanIn, seed) => {
    const bound = 1 / Math.sqrt(fanIn);
    const v = tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', seed));
    variables.push(v);
    return v;
  };
  const ops = [];
  layers.forEach((layer, i) => {
    const activation = layers[i + 1]?.type === 'relu' ? 'relu' : 'linear';
    if (layer.type === 'conv') {
      const inChannels = layer.inShape[0];
      const fanIn = inChannels * layer.kernel ** 2;
      const filter = param([layer.kernel, layer.kernel, inChannels, layer.out], fanIn, i);
      const bias = param([layer.out], fanIn, 1000 + i);
      const pad = paddingMode(layer);
      ops.push((x) => tf.fused.conv2d({ x, filter, bias, strides: 1, pad, activation }));
    } else if (layer.type === 'linear') {
      const weight = param([layer.inShape[0], layer.out], layer.inShape[0], i);
      const bias = param([layer.out], layer.inShape[0], 1000 + i);
      ops.push((x) => tf.fused.matMul({ a: x, b: weight, bias, activation }));
    } else if (layer.type === 'maxpool') {
      ops.push((x) => tf.maxPool(x, layer.kernel, layer.kernel, 'valid'));
    } else if (layer.type === 'flatten') {
      ops.push((x) => tf.reshape(x, [x.shape[0], -1]));
    }
  });
  return {
    variables,
    forward: (x) => ops.reduce((h, op) => op(h), x),
    dispose: () => variables.forEach((v) => v.dispose()),
  };
}

// 'same' pads k >> 1 on each side at stride 1, which is what the workloads' odd kernels ask for.
function paddingMode(layer) {
  if (layer.padding === 0) return 'valid';
  if (layer.padding * 2 + 1 === layer.kernel) return 'same';
  throw new Error(`bench: padding ${layer.padding} with kernel ${layer.kernel} is neither 'valid' nor 'same'`);
}
