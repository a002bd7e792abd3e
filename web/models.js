// The page's models and optimizers, by the names its controls and URL use (?model=lenet|mlp).
import { nn, optim } from 'simdgrad';

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

