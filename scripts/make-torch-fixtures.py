#!/usr/bin/python3
"""Writes test/fixtures-torch/: files made by PyTorch itself, which the tests read without Python.

Needs PyTorch (Debian: apt-get install python3-torch, 1.13, at /usr/bin/python3).

- <model>.safetensors: the state dict of an MLP, W3's LeNet and a BatchNorm CNN (whose
  num_batches_tracked is I64, as torch writes it), and <model>-io.safetensors: an input and the
  eval-mode output PyTorch computes for it in float64.
- optim-<name>.safetensors: for each optimizer, a small model's parameters at the start, after 4
  and after 5 steps, and the gradient of each of the 5 steps (metadata: the optimizer's options);
  optim-<name>-state.safetensors: the optimizer's state dict after 4 steps, written by
  simdgrad_torch.save_optimizer_state.

    /usr/bin/python3 scripts/make-torch-fixtures.py [NAME ...]    (only those models and optimizers)
"""
import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import simdgrad_torch  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures-torch')


def mlp():
    return nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 10))


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 10))


def batchnorm_cnn():
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3), nn.BatchNorm2d(16), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        nn.Flatten(), nn.Linear(16, 10))


MODELS = {'mlp': (mlp, [5, 64]), 'lenet': (lenet, [3, 1, 28, 28]), 'batchnorm-cnn': (batchnorm_cnn, [4, 3, 12, 12])}

OPTIMIZERS = {
    'sgd': (torch.optim.SGD, {'lr': 0.1, 'momentum': 0.9, 'dampening': 0.1, 'weight_decay': 0.01, 'nesterov': False}),
    'sgd-nesterov': (torch.optim.SGD, {'lr': 0.05, 'momentum': 0.8, 'nesterov': True}),
    'adam': (torch.optim.Adam, {'lr': 0.01, 'betas': (0.8, 0.99), 'eps': 1e-6, 'weight_decay': 0.01}),
    'adam-amsgrad': (torch.optim.Adam, {'lr': 0.01, 'amsgrad': True, 'maximize': True}),
    'adamw': (torch.optim.AdamW, {'lr': 0.01, 'weight_decay': 0.05}),
    'rmsprop': (torch.optim.RMSprop, {'lr': 0.01, 'alpha': 0.9, 'momentum': 0.5, 'centered': True, 'weight_decay': 0.01}),
    'adagrad': (torch.optim.Adagrad, {'lr': 0.1, 'lr_decay': 0.01, 'initial_accumulator_value': 0.1, 'weight_decay': 0.01}),
    'adamax': (torch.optim.Adamax, {'lr': 0.02, 'betas': (0.8, 0.99), 'weight_decay': 0.01}),
    # torch 1.13's multi-tensor NAdam has PyTorch 2.0's rule; its default one has the bug 2.0 fixed.
    'nadam': (torch.optim.NAdam, {'lr': 0.02, 'momentum_decay': 0.01, 'weight_decay': 0.01, 'foreach': True}),
    'radam': (torch.optim.RAdam, {'lr': 0.02, 'weight_decay': 0.01}),
    'adadelta': (torch.optim.Adadelta, {'lr': 0.5, 'rho': 0.8, 'weight_decay': 0.01}),
}


def write_model(name, build, input_shape):
    torch.manual_seed(len(name))
    model = build()
    if any(isinstance(m, nn.BatchNorm2d) for m in model.modules()):
        with torch.no_grad():
            for _ in range(3):
                model(torch.randn(input_shape) * 2 + 0.5)
    model.eval()
    simdgrad_torch.write_safetensors(model.state_dict(), os.path.join(OUT, f'{name}.safetensors'), {'format': 'pt'})
    x = torch.randn(input_shape)
    with torch.no_grad():
        y = model.double()(x.double())
    simdgrad_torch.write_safetensors({'input': x, 'output': y}, os.path.join(OUT, f'{name}-io.safetensors'))


def write_optimizer(name, cls, options):
    torch.manual_seed(100 + len(name))
    model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    x, target = torch.randn(8, 4), torch.randn(8, 2)
    optimizer = cls(model.parameters(), **options)
    tensors = {f'initial.{key}': value.detach().clone() for key, value in model.state_dict().items()}
    for step in range(1, 6):
        optimizer.zero_grad()
        nn.functional.mse_loss(model(x), target).backward()
        for key, param in model.named_parameters():
            tensors[f'grad{step}.{key}'] = param.grad.detach().clone()
        optimizer.step()
        if step == 4:
            tensors.update({f'after4.{key}': value.detach().clone() for key, value in model.state_dict().items()})
            simdgrad_torch.save_optimizer_state(optimizer.state_dict(), os.path.join(OUT, f'optim-{name}-state.safetensors'))
    tensors.update({f'after5.{key}': value.detach().clone() for key, value in model.state_dict().items()})
    check_state_file_resumes(name, cls, options, tensors)
    metadata = {'optimizer': cls.__name__, 'options': json.dumps({k: list(v) if isinstance(v, tuple) else v for k, v in options.items()}), 'torch': torch.__version__}
    simdgrad_torch.write_safetensors(tensors, os.path.join(OUT, f'optim-{name}.safetensors'), metadata)


def check_state_file_resumes(name, cls, options, tensors):
    """The state file, loaded into a fresh optimizer over the step-4 parameters, gives step 5 exactly."""
    model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    model.load_state_dict({key[len('after4.'):]: value for key, value in tensors.items() if key.startswith('after4.')})
    optimizer = cls(model.parameters(), **options)
    optimizer.load_state_dict(simdgrad_torch.load_optimizer_state(os.path.join(OUT, f'optim-{name}-state.safetensors')))
    # A copy: torch 1.13's multi-tensor NAdam adds the weight decay to the gradient in place.
    for key, param in model.named_parameters():
        param.grad = tensors[f'grad5.{key}'].clone()
    optimizer.step()
    for key, value in model.state_dict().items():
        assert torch.equal(value, tensors[f'after5.{key}']), f'{name}: {key} differs after resuming from the state file'


def main():
    os.makedirs(OUT, exist_ok=True)
    only = set(sys.argv[1:])
    for name, (build, shape) in MODELS.items():
        if not only or name in only:
            write_model(name, build, shape)
    for name, (cls, options) in OPTIMIZERS.items():
        if not only or name in only:
            write_optimizer(name, cls, options)
    print(f'wrote {len(os.listdir(OUT))} files to {os.path.normpath(OUT)} with torch {torch.__version__}')


if __name__ == '__main__':
    main()
