import type { StateDictEntry } from '../nn/state-dict.js';
import type { Tensor } from '../tensor.js';
import { nadamMuProduct } from './nadam-momentum.js';
import type { HyperValue, OptimizerStateDict } from './optimizer.js';

/**
 * PyTorch's optimizer.state_dict() layout, and the mapping between it and simdgrad's: snake_case
 * names (exp_avg, weight_decay), the step count as a 0-d tensor, and the flags PyTorch adds
 * that change nothing here (foreach, capturable, differentiable, fused).
 */

/** A tensor in a PyTorch-layout dict: shape and values, as model.stateDict() entries. */
export type TorchTensor = StateDictEntry;

/** What PyTorch's optimizer.state_dict() holds, with tensors as { shape, data } entries. */
export interface TorchOptimizerStateDict {
  /** Keyed by parameter index; `step` is a 0-d tensor (SGD has none), buffers by PyTorch's names. */
  state: Record<number, Record<string, TorchTensor>>;
  param_groups: ({ params: number[] } & Record<string, HyperValue | null>)[];
}

/** What loadStateDict accepts in PyTorch's layout: entries may also be Tensors, a step a plain number (RMSprop before PyTorch 2.0), a buffer null (SGD without momentum). */
export interface TorchOptimizerStateDictInput {
  state: Record<string | number, Record<string, TorchTensor | Tensor | number | null>>;
  param_groups: ({ params: number[] } & Record<string, unknown>)[];
}

export interface OptimizerStateDictOptions {
  /** 'simdgrad' (default): JSON-ready arrays; 'torch': PyTorch's names and layout, for torch's optimizer.load_state_dict. */
  format?: 'simdgrad' | 'torch';
}

const BUFFER_NAMES: Record<string, string> = {
  expAvg: 'exp_avg',
  expAvgSq: 'exp_avg_sq',
  maxExpAvgSq: 'max_exp_avg_sq',
  momentumBuffer: 'momentum_buffer',
  squareAvg: 'square_avg',
  gradAvg: 'grad_avg',
  sum: 'sum',
  expInf: 'exp_inf',
  accDelta: 'acc_delta',
};

const HYPER_NAMES: Record<string, string> = {
  lr: 'lr',
  betas: 'betas',
  eps: 'eps',
  weightDecay: 'weight_decay',
  amsgrad: 'amsgrad',
  maximize: 'maximize',
  momentum: 'momentum',
  dampening: 'dampening',
  nesterov: 'nesterov',
  alpha: 'alpha',
  centered: 'centered',
  lrDecay: 'lr_decay',
  initialAccumulatorValue: 'initial_accumulator_value',
  momentumDecay: 'momentum_decay',
  decoupledWeightDecay: 'decoupled_weight_decay',
  rho: 'rho',
};

// The implementation flags each optimizer's param groups carry in PyTorch 1.13, with the values
// that mean "the default implementation": written so the dict equals PyTorch's, ignored on load.
const TORCH_FLAGS: Record<string, Record<string, HyperValue | null>> = {
  SGD: { foreach: null, differentiable: false },
  Adam: { foreach: null, capturable: false, differentiable: false, fused: false },
  AdamW: { foreach: null, capturable: false },
  RMSprop: { foreach: null, differentiable: false },
  Adagrad: { foreach: null },
  Adamax: { foreach: null },
  // Not the default: torch 1.13's multi-tensor NAdam is the one with PyTorch 2.0's rule (simdgrad's).
  NAdam: { foreach: true },
  RAdam: { foreach: null },
  Adadelta: { foreach: null },
};

// Options PyTorch 1.13's param groups lack (2.x added them): written only when they differ from
// the default, and taken as the default when a dict lacks them, as PyTorch 2.x's __setstate__ does.
const NEWER_OPTIONS: Record<string, Record<string, HyperValue>> = {
  NAdam: { decoupledWeightDecay: false, maximize: false },
  RAdam: { decoupledWeightDecay: false, maximize: false },
};

const IGNORED_ON_LOAD = new Set(['foreach', 'capturable', 'differentiable', 'fused', 'initial_lr']);
// Per-parameter state PyTorch stores and simdgrad derives from the step count: written, not read.
const DERIVED_STATE = new Set(['mu_product']);
// PyTorch 2.x Adam and AdamW name their rule with this flag: it must agree with the optimizer.
const DECOUPLED: Record<string, boolean> = { Adam: false, AdamW: true };

const invert = (names: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(names).map(([ours, torch]) => [torch, ours]));
const OUR_BUFFER_NAMES = invert(BUFFER_NAMES);
const OUR_HYPER_NAMES = invert(HYPER_NAMES);

export function isTorchStateDict(dict: unknown): dict is TorchOptimizerStateDictInput {
  return typeof dict === 'object' && dict !== null && 'param_groups' in dict;
}

export function checkStateDictFormat(optimizer: string, format: unknown): void {
  if (format !== undefined && format !== 'simdgrad' && format !== 'torch') {
    throw new Error(`simdgrad: ${optimizer}.stateDict(): format must be 'simdgrad' or 'torch', got ${JSON.stringify(format)}.`);
  }
}

/**
 * simdgrad's state dict in PyTorch's layout; `optimizer` is the class name (Adam, SGD, ...) and
 * `shapes` the parameters' shapes by index, which the buffers take.
 */
export function toTorchStateDict(optimizer: string, dict: OptimizerStateDict, shapes: readonly (readonly number[])[]): TorchOptimizerStateDict {
  const state: TorchOptimizerStateDict['state'] = {};
  for (const [index, { step, buffers }] of Object.entries(dict.state)) {
    const entry: Record<string, TorchTensor> = optimizer === 'SGD' ? {} : { step: { shape: [], data: Float32Array.of(step) } };
    for (const [name, values] of Object.entries(buffers)) entry[BUFFER_NAMES[name]!] = { shape: [...shapes[Number(index)]!], data: Float32Array.from(values) };
    if (optimizer === 'NAdam') entry.mu_product = { shape: [], data: Float32Array.of(nadamMuProductOf(dict, Number(index), step)) };
    state[Number(index)] = entry;
  }
  const newer = NEWER_OPTIONS[optimizer] ?? {};
  const paramGroups = dict.paramGroups.map(({ params, ...hyper }) => {
    const written = Object.entries(hyper).filter(([key, value]) => !(key in newer) || value !== newer[key]);
    const renamed = Object.fromEntries(written.map(([key, value]) => [HYPER_NAMES[key] ?? key, value]));
    return { ...renamed, ...TORCH_FLAGS[optimizer], params: [...params] };
  });
  return { state, param_groups: paramGroups };
}

// NAdam's product of momentum coefficients for the parameter `index`, from its group's settings.
function nadamMuProductOf(dict: OptimizerStateDict, index: number, step: number): number {
  const group = dict.paramGroups.find((g) => g.params.includes(index))!;
  return nadamMuProduct(step, (group.betas as number[])[0]!, group.momentumDecay as number);
}

/** A PyTorch-layout dict as simdgrad's, for loadStateDict to check and restore. */
export function fromTorchStateDict(optimizer: string, dict: TorchOptimizerStateDictInput): OptimizerStateDict {
  const where = `simdgrad: ${optimizer}.loadStateDict()`;
  if (!Array.isArray(dict.param_groups) || typeof dict.state !== 'object' || dict.state === null) {
    throw new Error(`${where}: expected PyTorch's layout { state, param_groups }, as optimizer.state_dict() returns it.`);
  }
  const paramGroups = dict.param_groups.map((group, g) => fromTorchGroup(optimizer, group, g, where));
  const state: OptimizerStateDict['state'] = {};
  for (const [index, entry] of Object.entries(dict.state)) state[Number(index)] = fromTorchParamState(entry, index, where);
  return { state, paramGroups };
}

function fromTorchGroup(optimizer: string, group: Record<string, unknown>, g: number, where: string): OptimizerStateDict['paramGroups'][number] {
  if (typeof group !== 'object' || group === null) throw new Error(`${where}: param_groups[${g}] is not an object.`);
  const out: Record<string, unknown> = { ...NEWER_OPTIONS[optimizer] };
  for (const [key, value] of Object.entries(group)) {
    if (IGNORED_ON_LOAD.has(key)) continue;
    if (key === 'decoupled_weight_decay' && DECOUPLED[optimizer] !== undefined) {
      checkDecoupled(optimizer, value, g, where);
      continue;
    }
    out[key === 'params' ? key : (OUR_HYPER_NAMES[key] ?? key)] = Array.isArray(value) ? [...value] : value;
  }
  return out as OptimizerStateDict['paramGroups'][number];
}

function checkDecoupled(optimizer: string, value: unknown, g: number, where: string): void {
  const expected = DECOUPLED[optimizer];
  if (expected !== undefined && value !== expected) {
    const other = expected ? 'Adam' : 'AdamW';
    throw new Error(`${where}: param_groups[${g}] has decoupled_weight_decay ${String(value)}, which is ${other}'s rule; load this state into optim.${other}.`);
  }
}

function fromTorchParamState(entry: Record<string, unknown>, index: string, where: string): { step: number; buffers: Record<string, number[]> } {
  if (typeof entry !== 'object' || entry === null) throw new Error(`${where}: state[${index}] is not an object.`);
  let step = 0;
  const buffers: Record<string, number[]> = {};
  for (const [name, value] of Object.entries(entry)) {
    if (name === 'step') {
      step = typeof value === 'number' ? value : scalarOf(value, index, where);
      continue;
    }
    if (value === null || DERIVED_STATE.has(name)) continue;
    const ours = OUR_BUFFER_NAMES[name];
    if (!ours) {
      throw new Error(`${where}: state[${index}] has a buffer '${name}' that simdgrad's optimizers do not have; PyTorch's are ${Object.keys(OUR_BUFFER_NAMES).join(', ')} and step.`);
    }
    buffers[ours] = Array.from(valuesOf(value, `state[${index}].${name}`, where));
  }
  return { step, buffers };
}

function scalarOf(value: unknown, index: string, where: string): number {
  const values = valuesOf(value, `state[${index}].step`, where);
  if (values.length !== 1) throw new Error(`${where}: state[${index}].step must hold one number, got ${values.length}.`);
  return values[0]!;
}

function valuesOf(value: unknown, what: string, where: string): ArrayLike<number> {
  if ((value as { isSimdgradTensor?: boolean } | null)?.isSimdgradTensor === true) return (value as Tensor).toFloat32Array();
  const data = (value as { data?: unknown } | null)?.data;
  if (data instanceof Float32Array || Array.isArray(data)) return data as ArrayLike<number>;
  throw new Error(`${where}: ${what} must be a tensor or { shape, data }, got ${value === null ? 'null' : typeof value}.`);
}
