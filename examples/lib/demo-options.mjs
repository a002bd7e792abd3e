// The demo's command line: parsed and checked before anything is loaded, so a typo fails at once
// with a message that says what is accepted.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const MODELS = ['lenet', 'mlp'];
export const OPTIMIZERS = ['adam', 'adamw', 'sgd', 'rmsprop'];
export const DEFAULT_OUT = 'fashion-mnist-model.safetensors';

export const USAGE = `Usage: npm run demo -- [options]      (or: node examples/demo.mjs [options])

Trains a LeNet-style CNN (or an MLP) on Fashion-MNIST, printing progress, per-epoch loss and
accuracy and a confusion matrix, then writes the trained weights to a .safetensors file.

Options:
  --model lenet|mlp                    the network (default lenet)
  --epochs N                           passes over the training images (default 3)
  --batch-size N                       images per optimizer step (default 64)
  --lr X                               learning rate (default 1e-3)
  --optimizer adam|adamw|sgd|rmsprop   (default adam; sgd uses momentum 0.9)
  --data DIR                           a folder with the four Fashion-MNIST IDX files (default: the
                                       full set when Debian's dataset-fashion-mnist is installed,
                                       else the 6,000 + 1,000 image subset in data/)
  --subset                             the subset even when the full set is installed
  --out FILE                           where to write the weights (default
                                       ./${DEFAULT_OUT})
  --seed N                             seed of the initial weights and the shuffling (default 0)
  -h, --help                           print this and exit`;

/** A command-line mistake: the demo prints the message and a pointer to --help, and exits 2. */
export class UsageError extends Error {}

/**
 * `argv` (without node and the script) as checked options, or `{ help: true }`; throws a
 * UsageError naming the option, what it got and what it accepts.
 */
export function parseDemoOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string', default: 'lenet' },
        epochs: { type: 'string', default: '3' },
        'batch-size': { type: 'string', default: '64' },
        lr: { type: 'string', default: '1e-3' },
        optimizer: { type: 'string', default: 'adam' },
        data: { type: 'string' },
        subset: { type: 'boolean', default: false },
        out: { type: 'string', default: DEFAULT_OUT },
        seed: { type: 'string', default: '0' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    const message = error.message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(message.endsWith('.') ? message : `${message}.`);
  }
  if (values.help) return { help: true };
  return {
    help: false,
    model: oneOf('model', values.model, MODELS),
    optimizer: oneOf('optimizer', values.optimizer, OPTIMIZERS),
    epochs: positiveInteger('epochs', values.epochs),
    batchSize: positiveInteger('batch-size', values['batch-size']),
    lr: positiveNumber('lr', values.lr),
    seed: integer('seed', values.seed),
    data: values.data,
    subset: values.subset,
    out: resolve(values.out),
  };
}

function oneOf(flag, value, choices) {
  if (!choices.includes(value)) throw new UsageError(`--${flag} must be one of ${choices.join(', ')}, got '${value}'.`);
  return value;
}

function positiveInteger(flag, text) {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`--${flag} must be a whole number >= 1, got '${text}'.`);
  return value;
}

function integer(flag, text) {
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value)) throw new UsageError(`--${flag} must be a whole number, got '${text}'.`);
  return value;
}

function positiveNumber(flag, text) {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw new UsageError(`--${flag} must be a number > 0, such as 1e-3, got '${text}'.`);
  return value;
}
