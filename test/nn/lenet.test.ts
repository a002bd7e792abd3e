import { describe, expect, it } from 'vitest';
import { F, nn, optim, tidy, type Tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases, type FixtureTensor } from '../helpers/fixtures.js';

/** The W3 LeNet, as PyTorch would write it: layers registered under the names the fixture uses. */
class LeNet extends nn.Module {
  readonly conv1 = this.registerModule('conv1', new nn.Conv2d(1, 8, 5, { padding: 2 }));
  readonly conv2 = this.registerModule('conv2', new nn.Conv2d(8, 16, 5));
  readonly fc1 = this.registerModule('fc1', new nn.Linear(400, 120));
  readonly fc2 = this.registerModule('fc2', new nn.Linear(120, 10));
  readonly relu = this.registerModule('relu', new nn.ReLU());
  readonly pool = this.registerModule('pool', new nn.MaxPool2d(2));
  readonly flatten = this.registerModule('flatten', new nn.Flatten());

  forward(x: Tensor): Tensor {
    const features = this.pool.forward(this.relu.forward(this.conv2.forward(this.pool.forward(this.relu.forward(this.conv1.forward(x))))));
    return this.fc2.forward(this.relu.forward(this.fc1.forward(this.flatten.forward(features))));
  }
}

describe('LeNet built from nn modules matches the golden fixture', () => {
  const [c] = loadCases('lenet');
  const parameterOrder = c!.params.parameter_order as string[];
  const target = c!.inputs.target!.data;

  function loadedLeNet(): LeNet {
    const model = new LeNet();
    model.loadStateDict(Object.fromEntries(parameterOrder.map((name) => [name, c!.inputs[name]!])));
    return model;
  }

  it('has the fixture’s parameter names, in order', () => {
    expect(new LeNet().namedParameters().map(([name]) => name)).toEqual(parameterOrder);
  });

  it('prints its layers as PyTorch does', () => {
    expect(new LeNet().toString().split('\n')).toEqual([
      'LeNet(',
      '  (conv1): Conv2d(1, 8, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))',
      '  (conv2): Conv2d(8, 16, kernel_size=(5, 5), stride=(1, 1))',
      '  (fc1): Linear(in_features=400, out_features=120, bias=True)',
      '  (fc2): Linear(in_features=120, out_features=10, bias=True)',
      '  (relu): ReLU()',
      '  (pool): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)',
      '  (flatten): Flatten(start_dim=1, end_dim=-1)',
      ')',
    ]);
  });

  it('logits, mean cross-entropy and every parameter gradient', () => {
    const model = loadedLeNet();
    const logits = model.forward(fromFixture(c!.inputs.input!));
    expectCloseToFixture(logits, c!.output, 'logits');
    const loss = F.crossEntropy(logits, target);
    expectCloseToFixture([loss.item()], c!.extra!.loss as FixtureTensor, 'loss');
    loss.backward();
    for (const [name, param] of model.namedParameters()) expectCloseToFixture(param.grad, c!.grads[name]!, `grad ${name}`);
  });

  it('three Adam steps on the same batch: the loss before each step and the parameters after', () => {
    const model = loadedLeNet();
    const input = fromFixture(c!.inputs.input!);
    const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
    const stepLosses = Array.from({ length: c!.params.steps as number }, () =>
      tidy(() => {
        optimizer.zeroGrad();
        const loss = F.crossEntropy(model.forward(input), target);
        const value = loss.item();
        loss.backward();
        optimizer.step();
        return value;
      }),
    );
    expectCloseToFixture(stepLosses, c!.extra!.step_losses as FixtureTensor, 'step losses');
    const after = (c as unknown as { params_after_steps: Record<string, FixtureTensor> }).params_after_steps;
    for (const [name, param] of model.namedParameters()) expectCloseToFixture(param, after[name]!, `${name} after 3 steps`);
  });
});
