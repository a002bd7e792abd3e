import { checkSoftplusBeta, elu, gelu, hardsigmoid, hardswish, leakyRelu, mish, relu, relu6, sigmoid, silu, softplus, tanh, type SoftplusOptions } from '../ops/activation.js';
import { logSoftmax, softmax } from '../ops/softmax.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';
import { pythonFloat, pythonString } from './repr.js';
import { checkNumber, checkOptions } from '../check-args.js';

/** max(0, x), as torch.nn.ReLU. */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** min(max(0, x), 6), as torch.nn.ReLU6. */
export class ReLU6 extends Module {
  forward(x: Tensor): Tensor {
    return relu6(x);
  }
}

/** relu6(x + 3) / 6, as torch.nn.Hardsigmoid. */
export class Hardsigmoid extends Module {
  forward(x: Tensor): Tensor {
    return hardsigmoid(x);
  }
}

/** x · relu6(x + 3) / 6, as torch.nn.Hardswish. */
export class Hardswish extends Module {
  forward(x: Tensor): Tensor {
    return hardswish(x);
  }
}

/** x · tanh(softplus(x)), as torch.nn.Mish. */
export class Mish extends Module {
  forward(x: Tensor): Tensor {
    return mish(x);
  }
}

/** x for x > 0, negativeSlope · x otherwise, as torch.nn.LeakyReLU. */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    checkNumber('LeakyReLU', 'negativeSlope', negativeSlope);
  }

  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negative_slope=${pythonFloat(this.negativeSlope)}`;
  }
}

/** 1 / (1 + e^-x), as torch.nn.Sigmoid. */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

export interface EluOptions {
  /** The negative side's limit: alpha (e^x - 1) for x <= 0. Default 1. */
  alpha?: number;
}

/** x for x > 0, alpha (e^x - 1) otherwise, as torch.nn.ELU. */
export class ELU extends Module {
  readonly alpha: number;

  constructor(options: EluOptions = {}) {
    super();
    options = checkOptions<EluOptions>('nn.ELU', options) as EluOptions;
    this.alpha = options.alpha ?? 1;
    checkNumber('nn.ELU', 'alpha', this.alpha);
  }

  forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }

  override extraRepr(): string {
    return `alpha=${pythonFloat(this.alpha)}`;
  }
}

/** x · sigmoid(x) (swish), as torch.nn.SiLU. */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/** ln(1 + e^(beta x)) / beta, and x itself where beta x > threshold, as torch.nn.Softplus. */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;

  constructor(options: SoftplusOptions = {}) {
    super();
    options = checkOptions<SoftplusOptions>('nn.Softplus', options) as SoftplusOptions;
    this.beta = options.beta ?? 1;
    this.threshold = options.threshold ?? 20;
    checkSoftplusBeta('nn.Softplus', this.beta);
    checkNumber('nn.Softplus', 'threshold', this.threshold);
  }

  forward(x: Tensor): Tensor {
    return softplus(x, { beta: this.beta, threshold: this.threshold });
  }

  override extraRepr(): string {
    return `beta=${pythonFloat(this.beta)}, threshold=${pythonFloat(this.threshold)}`;
  }
}

export interface GeluOptions {
  /** 'none' (default): x·Φ(x) with the exact erf; 'tanh': the tanh approximation. */
  approximate?: 'none' | 'tanh';
}

/** Gaussian error linear unit, as torch.nn.GELU. */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';

  constructor(options: GeluOptions = {}) {
    super();
    options = checkOptions<GeluOptions>('GELU', options) as GeluOptions;
    this.approximate = options.approximate ?? 'none';
  }

  forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate=${pythonString(this.approximate)}`;
  }
}

/** Softmax over `dim` (default the last), as torch.nn.Softmax. */
export class Softmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }

  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** log(softmax(x)) over `dim` (default the last), computed stably, as torch.nn.LogSoftmax. */
export class LogSoftmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }

  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
