// ConvNetJS 0.3.0: plain JavaScript, one sample at a time, float64. A "batch" step is `batch`
// calls of Trainer.train, whose batch_size makes the update happen once per batch.
import convnetjs from 'convnetjs';
import { layersWithShapes, labels, networkFor, normalValues } from '../workloads.mjs';

export const label = 'convnetjs';

// The npm release predates ConvNetJS's Adam; 'windowgrad' (RMSprop) is the nearest per-weight
// adaptive update it has, and the update runs once per batch, a sliver of the step's time.
const METHOD = 'windowgrad';

export async function setup() {
  return { notes: `per-sample JS loops, float64, optimizer '${METHOD}' (0.3.0 has no Adam)` };
}

export function prepare(task) {
  if (task.workload === 'W1') throw new Error('no matrix-multiply op (layers work one sample at a time)');
  if (task.workload === 'W6') throw new Error('no embedding, attention or layer-norm layers');
  if (task.workload === 'W7') throw new Error('no recurrent layers (ConvNetJS has no LSTM)');
  const [channels, height = 1, width = 1] = networkFor(task).input;
  const net = new convnetjs.Net();
  net.makeLayers([{ type: 'input', out_sx: width, out_sy: height, out_depth: channels }, ...layerDefs(layersWithShapes(networkFor(task)))]);
  const perSample = channels * height * width;
  const values = normalValues(task.batch * perSample);
  const inputs = Array.from({ length: task.batch }, (_, i) => {
    const vol = new convnetjs.Vol(width, height, channels, 0);
    vol.w.set(values.subarray(i * perSample, (i + 1) * perSample));
    return vol;
  });
  const dispose = () => {};
  if (task.workload === 'W5') {
    return { step: () => inputs.forEach((vol) => net.forward(vol, false)), dispose };
  }
  const targets = labels(task.batch);
  const trainer = new convnetjs.Trainer(net, { method: METHOD, learning_rate: 1e-3, batch_size: task.batch });
  return { step: () => inputs.forEach((vol, i) => trainer.train(vol, targets[i])), dispose };
}

// ConvNetJS folds a following ReLU into conv/fc definitions, flattens implicitly, and its
// softmax definition brings the last fully-connected layer with it.
function layerDefs(layers) {
  return layers.flatMap((layer, i) => {
    const activation = layers[i + 1]?.type === 'relu' ? { activation: 'relu' } : {};
    if (layer.type === 'conv') return [{ type: 'conv', sx: layer.kernel, filters: layer.out, stride: 1, pad: layer.padding, ...activation }];
    if (layer.type === 'maxpool') return [{ type: 'pool', sx: layer.kernel, stride: layer.kernel }];
    if (layer.type === 'linear' && i === layers.length - 1) return [{ type: 'softmax', num_classes: layer.out }];
    if (layer.type === 'linear') return [{ type: 'fc', num_neurons: layer.out, ...activation }];
    return [];
  });
}
