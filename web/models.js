// The page's models and optimizers, by the names its controls and URL use (?model=lenet|mlp,
// ?textModel=tiny|small|w6).
import { nn, optim } from 'simdgrad';
import { CharTransformer } from '../examples/lib/char-transformer.mjs';

export const MODELS = {
  lenet: () => new nn.Sequential(
    new nn.Conv2d(1, 8, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(400, 120), new nn.ReLU(), new nn.Linear(120, 10),
  ),
  mlp: () => new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10)),
};

export const OPTIMIZERS = {
  adam: (params, lr) => new optim.Adam(params, { lr }),
  adamw: (params, lr) => new optim.AdamW(params, { lr }),
  sgd: (params, lr) => new optim.SGD(params, { lr, momentum: 0.9 }),
  rmsprop: (params, lr) => new optim.RMSprop(params, { lr }),
};

/** The Text tab's character transformers (examples/lib/char-transformer.mjs), given the corpus' number of characters. */
export const TEXT_MODELS = {
  tiny: (vocab) => new CharTransformer(vocab, { context: 32, dModel: 32, heads: 2, layers: 1 }),
  small: (vocab) => new CharTransformer(vocab, { context: 32, dModel: 64, heads: 4, layers: 2 }),
  w6: (vocab) => new CharTransformer(vocab, { context: 64, dModel: 128, heads: 4, layers: 2 }),
};
