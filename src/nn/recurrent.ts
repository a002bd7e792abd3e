import { checkBoolean, checkInteger, checkNumber, checkOneOf, checkOptions, checkTensor } from '../check-args.js';
import { dropout } from '../ops/dropout.js';
import { gruLayer } from '../ops/gru.js';
import { cat } from '../ops/join.js';
import { lstmLayer } from '../ops/lstm.js';
import { permute, squeeze, unsqueeze } from '../ops/permute.js';
import { rnnLayer } from '../ops/rnn.js';
import { narrow, select } from '../ops/slice.js';
import { formatShape } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { uniform_ } from './init.js';
import { Module } from './module.js';
import { pythonBool, pythonFloat } from './repr.js';

export interface RecurrentOptions {
  /** Recurrent layers stacked, each reading the previous one's outputs (default 1). */
  numLayers?: number;
  /** Learn the biases b_ih and b_hh (default true). */
  bias?: boolean;
  /** Input and output are [N, T, features] instead of [T, N, features] (default false); the states stay [numLayers, N, hidden]. */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training mode (default 0). */
  dropout?: number;
  /** Run a second direction backwards over the sequence (default false); true is not supported yet and throws. */
  bidirectional?: boolean;
}

export interface LSTMOptions extends RecurrentOptions {
  /** Project the hidden state to this size (default 0, none); other sizes are not supported yet and throw. */
  projSize?: number;
}

export interface RNNOptions extends RecurrentOptions {
  /** The activation of the Elman cell, 'tanh' or 'relu' (default 'tanh'). */
  nonlinearity?: 'tanh' | 'relu';
}

interface LayerParameters {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;
}

interface SequenceResult {
  output: Tensor;
  hN: Tensor;
  cN: Tensor | null;
}

/**
 * What nn.RNN, nn.LSTM and nn.GRU share, as torch.nn.RNNBase: the options, the parameters
 * (`weight_ih_l0` [G·hidden, inputSize], `weight_hh_l0` [G·hidden, hidden], `bias_ih_l0`,
 * `bias_hh_l0` [G·hidden], then `..._l1` ..., with G gates: 1, 4 or 3), their initialisation and
 * the loop over layers. Each layer runs as one recorded op over the whole sequence.
 */
abstract class RecurrentBase<Inputs extends unknown[], Output> extends Module<Inputs, Output> {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  protected readonly layers: LayerParameters[] = [];

  protected constructor(
    protected readonly kind: 'RNN' | 'LSTM' | 'GRU', gates: number, readonly inputSize: number, readonly hiddenSize: number, options: RecurrentOptions,
  ) {
    super();
    options = checkOptions<RecurrentOptions>(kind, options) as RecurrentOptions;
    checkInteger(kind, 'inputSize', inputSize, 1);
    checkInteger(kind, 'hiddenSize', hiddenSize, 1);
    this.numLayers = checkInteger(kind, 'numLayers', options.numLayers ?? 1, 1);
    this.bias = checkBoolean(kind, 'bias', options.bias) ?? true;
    this.batchFirst = checkBoolean(kind, 'batchFirst', options.batchFirst) ?? false;
    this.dropout = checkNumber(kind, 'dropout', options.dropout ?? 0, { min: 0, max: 1 });
    if (checkBoolean(kind, 'bidirectional', options.bidirectional)) {
      throw new Error(`simdgrad: ${kind}: bidirectional is not supported (got true); leave it out (false), or run a second ${kind} over the reversed sequence and concatenate.`);
    }
    const projSize = checkInteger(kind, 'projSize', (options as LSTMOptions).projSize ?? 0, 0);
    if (projSize !== 0) throw new Error(`simdgrad: ${kind}: projSize is not supported (got ${projSize}); leave it out (0), or apply an nn.Linear to the outputs.`);
    for (let l = 0; l < this.numLayers; l++) {
      const inputs = l === 0 ? inputSize : hiddenSize;
      this.layers.push({
        weightIh: this.registerParameter(`weight_ih_l${l}`, Tensor.empty([gates * hiddenSize, inputs])),
        weightHh: this.registerParameter(`weight_hh_l${l}`, Tensor.empty([gates * hiddenSize, hiddenSize])),
        biasIh: this.bias ? this.registerParameter(`bias_ih_l${l}`, Tensor.empty([gates * hiddenSize])) : null,
        biasHh: this.bias ? this.registerParameter(`bias_hh_l${l}`, Tensor.empty([gates * hiddenSize])) : null,
      });
    }
    this.resetParameters();
  }

  /** PyTorch's default: every weight and bias from U(-1/√hiddenSize, 1/√hiddenSize). */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -bound, bound);
  }

  /** Runs one layer's op over [T, N, features]; the LSTM's returns its last cell state as an extra row. */
  protected abstract runLayer(x: Tensor, h0: Tensor | null, c0: Tensor | null, layer: LayerParameters): Tensor;

  /**
   * Checks everything, then runs the layers. input [T, N, inputSize] ([N, T, inputSize] with
   * batchFirst) or unbatched [T, inputSize]; states [numLayers, N, hidden] ([numLayers, hidden] unbatched).
   */
  protected runSequence(input: unknown, h0: unknown, c0: unknown): SequenceResult {
    const x = checkTensor(this.kind, 'input', input);
    if (x.ndim !== 2 && x.ndim !== 3) {
      throw new Error(`simdgrad: ${this.kind}: input must be 3-D [${this.batchFirst ? 'N, T' : 'T, N'}, ${this.inputSize}] or unbatched 2-D [T, ${this.inputSize}], got ${formatShape(x.shape)}.`);
    }
    if (x.shape[x.ndim - 1] !== this.inputSize) {
      throw new Error(`simdgrad: ${this.kind}: input ${formatShape(x.shape)} must have inputSize ${this.inputSize} features in its last dimension.`);
    }
    const batched = x.ndim === 3;
    const steps = batched && this.batchFirst ? x.shape[1]! : x.shape[0]!;
    if (steps < 1) throw new Error(`simdgrad: ${this.kind}: input ${formatShape(x.shape)} has no time steps; give at least one.`);
    const batch = batched ? (this.batchFirst ? x.shape[0]! : x.shape[1]!) : 1;
    const stateShape = batched ? [this.numLayers, batch, this.hiddenSize] : [this.numLayers, this.hiddenSize];
    const states = [this.checkState('h0', h0, stateShape), this.checkState('c0', c0, stateShape)];
    const timeMajor = !batched ? unsqueeze(x, 1) : this.batchFirst ? permute(x, [1, 0, 2]) : x;
    const [h, c] = states.map((s) => (s && !batched ? unsqueeze(s, 1) : s));
    let layerInput = timeMajor;
    const lastH: Tensor[] = [];
    const lastC: Tensor[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      const out = this.runLayer(layerInput, h ? select(h, 0, l) : null, c ? select(c, 0, l) : null, this.layers[l]!);
      const hidden = narrow(out, 0, 1, steps);
      // [1, N, H] rows joined by cat: no reshape, so an ONNX export keeps its batch dimension free.
      lastH.push(narrow(out, 0, steps, 1));
      if (this.kind === 'LSTM') lastC.push(narrow(out, 0, steps + 1, 1));
      const dropped = this.dropout > 0 && this.training && l < this.numLayers - 1;
      layerInput = dropped ? dropout(hidden, { p: this.dropout, training: true }) : hidden;
    }
    const output = !batched ? squeeze(layerInput, 1) : this.batchFirst ? permute(layerInput, [1, 0, 2]) : layerInput;
    const unbatch = (t: Tensor): Tensor => (batched ? t : squeeze(t, 1));
    const join = (rows: Tensor[]): Tensor => unbatch(rows.length === 1 ? rows[0]! : cat(rows, 0));
    return { output, hN: join(lastH), cN: this.kind === 'LSTM' ? join(lastC) : null };
  }

  private checkState(name: string, value: unknown, shape: number[]): Tensor | null {
    if (value === undefined || value === null) return null;
    const state = checkTensor(this.kind, name, value);
    if (state.ndim !== shape.length || state.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`simdgrad: ${this.kind}: ${name} must be ${formatShape(shape)} [numLayers, ${shape.length === 3 ? 'N, ' : ''}hiddenSize] for this input, got ${formatShape(state.shape)}.`);
    }
    return state;
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += `, bias=${pythonBool(false)}`;
    if (this.batchFirst) s += `, batch_first=${pythonBool(true)}`;
    if (this.dropout !== 0) s += `, dropout=${pythonFloat(this.dropout)}`;
    return s;
  }
}

// Checked before the base class allocates the parameters.
function checkRnnOptions(options: unknown): RNNOptions {
  const checked = checkOptions<RNNOptions>('RNN', options) as RNNOptions;
  if (checked.nonlinearity !== undefined) checkOneOf('RNN', 'nonlinearity', checked.nonlinearity, ['tanh', 'relu']);
  return checked;
}

/**
 * Elman RNN, as torch.nn.RNN: h_t = act(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh), act tanh or
 * relu. forward(input, h0?) returns [output, hN]: output [T, N, hidden] (the last layer's h at
 * every step; [N, T, hidden] with batchFirst), hN [numLayers, N, hidden].
 */
export class RNN extends RecurrentBase<[Tensor, (Tensor | null)?], [Tensor, Tensor]> {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super('RNN', 1, inputSize, hiddenSize, checkRnnOptions(options));
    this.nonlinearity = options.nonlinearity ?? 'tanh';
  }

  forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const { output, hN } = this.runSequence(input, h0, null);
    return [output, hN];
  }

  protected runLayer(x: Tensor, h0: Tensor | null, _c0: Tensor | null, p: LayerParameters): Tensor {
    return rnnLayer(x, h0, p.weightIh, p.weightHh, p.biasIh, p.biasHh, this.nonlinearity);
  }
}

/**
 * Long short-term memory, as torch.nn.LSTM (gates i, f, g, o; c = σ(f)·c + σ(i)·tanh(g),
 * h = σ(o)·tanh(c)). forward(input, [h0, c0]?) returns [output, [hN, cN]]: output
 * [T, N, hidden] ([N, T, hidden] with batchFirst), hN and cN [numLayers, N, hidden].
 */
export class LSTM extends RecurrentBase<[Tensor, ([Tensor, Tensor] | null)?], [Tensor, [Tensor, Tensor]]> {
  constructor(inputSize: number, hiddenSize: number, options: LSTMOptions = {}) {
    super('LSTM', 4, inputSize, hiddenSize, options);
  }

  forward(input: Tensor, state?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    if (state !== undefined && state !== null && (!Array.isArray(state) || state.length !== 2)) {
      throw new Error('simdgrad: LSTM: state must be a pair [h0, c0] of [numLayers, N, hiddenSize] tensors, or omitted for zeros.');
    }
    if (state && (state[0] == null) !== (state[1] == null)) throw new Error('simdgrad: LSTM: state must give both h0 and c0, or neither.');
    const { output, hN, cN } = this.runSequence(input, state?.[0], state?.[1]);
    return [output, [hN, cN!]];
  }

  protected runLayer(x: Tensor, h0: Tensor | null, c0: Tensor | null, p: LayerParameters): Tensor {
    return lstmLayer(x, h0, c0, p.weightIh, p.weightHh, p.biasIh, p.biasHh);
  }
}

/**
 * Gated recurrent unit, as torch.nn.GRU (gates r, z, n; n = tanh(W_in x + b_in + r·(W_hn h + b_hn)),
 * h = (1 − z)·n + z·h). forward(input, h0?) returns [output, hN] shaped as nn.RNN's.
 */
export class GRU extends RecurrentBase<[Tensor, (Tensor | null)?], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super('GRU', 3, inputSize, hiddenSize, options);
  }

  forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const { output, hN } = this.runSequence(input, h0, null);
    return [output, hN];
  }

  protected runLayer(x: Tensor, h0: Tensor | null, _c0: Tensor | null, p: LayerParameters): Tensor {
    return gruLayer(x, h0, p.weightIh, p.weightHh, p.biasIh, p.biasHh);
  }
}
