#!/usr/bin/python3
"""Continues in PyTorch the optimizer states simdgrad wrote: for each optimizer of
test/fixtures-torch, loads build/torch-resume/<name>-state.safetensors (simdgrad's state after the
fixture's 4 steps, written by the dist project's test/interop/torch-resume.test.ts) into a torch
optimizer over the fixture's step-4 parameters, takes step 5 with the fixture's gradients and
compares the parameters with PyTorch's own step 5. Needs PyTorch (Debian: python3-torch); CI does
not run it.

    npm run build && npx vitest run --project dist test/interop/torch-resume.test.ts
    /usr/bin/python3 scripts/check-torch-resume.py
"""
import glob
import json
import os
import sys

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import simdgrad_torch  # noqa: E402

FIXTURES = os.path.join(HERE, '..', 'test', 'fixtures-torch')
WRITTEN = os.path.join(HERE, '..', 'build', 'torch-resume')
TOLERANCE = 1e-7


def resume(name):
    tensors, metadata = simdgrad_torch.read_safetensors(os.path.join(FIXTURES, f'optim-{name}.safetensors'))
    model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    model.load_state_dict({key[len('after4.'):]: value for key, value in tensors.items() if key.startswith('after4.')})
    options = json.loads(metadata['options'])
    if 'betas' in options:
        options['betas'] = tuple(options['betas'])
    optimizer = getattr(torch.optim, metadata['optimizer'])(model.parameters(), **options)
    optimizer.load_state_dict(simdgrad_torch.load_optimizer_state(os.path.join(WRITTEN, f'{name}-state.safetensors')))
    for key, param in model.named_parameters():
        param.grad = tensors[f'grad5.{key}']
    optimizer.step()
    return max(((value - tensors[f'after5.{key}']).abs().max() / tensors[f'after5.{key}'].abs().max()).item() for key, value in model.state_dict().items())


def main():
    names = sorted(os.path.basename(path)[:-len('-state.safetensors')] for path in glob.glob(os.path.join(WRITTEN, '*-state.safetensors')))
    if not names:
        sys.exit('no states in build/torch-resume: run the dist torch-resume test first (see the docstring)')
    failed = 0
    for name in names:
        worst = resume(name)
        failed += worst > TOLERANCE
        print(f'{"ok  " if worst <= TOLERANCE else "FAIL"}  {name}: step 5 in torch {torch.__version__} from simdgrad\'s state: max|diff| / max|param| = {worst:.2e}')
    print(f'{len(names) - failed} of {len(names)} optimizers continue in PyTorch within {TOLERANCE:g} of max|param|')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
