import { kernels } from '../backend/backend.js';
import { NON_FINITE_STATE_FIX, stateValuesProblem } from '../nn/state-validation.js';
import { formatShape } from '../shape-util.js';
import type { Tensor } from '../tensor.js';
import { ParamState } from './param-state.js';
import { TensorTable } from './tensor-table.js';
import { noteStep } from '../live-tensors.js';
import {
  checkStateDictFormat, fromTorchStateDict, isTorchStateDict, toTorchStateDict,
  type OptimizerStateDictOptions, type TorchOptimizerStateDict, type TorchOptimizerStateDictInput,
} from './torch-state.js';

export type HyperValue = number | boolean | readonly number[];

/** The hyper-parameter every optimizer has; LR schedulers change it. */
export interface HyperParameters {
  /** Learning rate; each optimizer has its default (SGD's is required). */
  lr: number;
}

/**
 * One entry of `optimizer.paramGroups`, like PyTorch's param_groups: tensors and the
 * hyper-parameters they share. Assigning a hyper-parameter (`group.lr = 0.01`) validates it.
 */
export type ParamGroup<H extends HyperParameters = HyperParameters> = H & { readonly params: readonly Tensor[] };

/** A param group for the constructor or addParamGroup(): its tensors and the options it overrides. */
export type ParamGroupOptions<H extends HyperParameters> = {
  /** The group's tensors (required). */
  params: Tensor | Iterable<Tensor>;
} & Partial<H>;

/** Tensors (e.g. `model.parameters()`), or param groups with their own options. */
export type OptimizerParams<H extends HyperParameters> = Iterable<Tensor> | Iterable<ParamGroupOptions<H>>;

/** JSON-serialisable optimizer state, as PyTorch's optimizer.state_dict(). */
export interface OptimizerStateDict {
  /** Keyed by parameter index (counted over all groups, in order); only parameters that have state. */
  state: Record<number, { step: number; buffers: Record<string, number[]> }>;
  paramGroups: ({ params: number[] } & Record<string, HyperValue>)[];
}

/** @internal How a concrete optimizer describes itself to the base class. */
export interface OptimizerSpec<H extends HyperParameters> {
  name: string;
  /** Every hyper-parameter with its default; undefined where the user must choose (SGD's lr). */
  defaults: { [K in keyof H]: H[K] | undefined };
  /** Names of the state buffers a parameter may have. */
  buffers: readonly string[];
  /** How many 32-bit words writeEntry() writes per parameter (the kernel's entry size). */
  entryWords: number;
  /** Throws a clear Error for an invalid value or combination. */
  validate(hyper: H): void;
}

interface PendingUpdate {
  param: Tensor;
  grad: Tensor;
  index: number;
  groupIndex: number;
}

/**
 * Base of the optimizers, as torch.optim.Optimizer. Each step() first checks every gradient for
 * NaN and Infinity in one kernel call, then prepares every parameter's state, then updates each
 * param group's parameters that have a gradient with one fused kernel call, as PyTorch's
 * foreach implementation. A step is all or nothing: if it throws (a non-finite gradient, or no
 * memory for new state), no parameter and no state has changed, and it can be retried.
 */
export abstract class Optimizer<H extends HyperParameters = HyperParameters> {
  readonly paramGroups: ParamGroup<H>[] = [];
  private readonly groupValues: H[] = [];
  private readonly state = new Map<Tensor, ParamState>();
  private readonly defaults: Partial<H>;
  private readonly table = new TensorTable("the optimizer's kernel table");
  private disposed = false;

  protected constructor(private readonly spec: OptimizerSpec<H>, params: OptimizerParams<H>, options: Partial<H>) {
    this.checkKnownKeys(options ?? {}, 'the options');
    this.defaults = { ...spec.defaults, ...definedEntries(options ?? {}) };
    for (const group of toGroupOptions(spec.name, params)) this.addParamGroup(group);
  }

  /**
   * Writes the kernel's table entry for one parameter (its addresses and the coefficients that
   * depend on its own state), creating state buffers on first use; `state.step` already counts this step.
   */
  protected abstract writeEntry(table: TensorTable, param: Tensor, grad: Tensor, state: ParamState, hyper: H): void;

  /**
   * Updates in place, with one kernel call, the `count` parameters of one param group whose
   * entries are at `table`, `elements` values in all (the kernel's range is [0, elements)).
   */
  protected abstract updateTensors(table: number, count: number, elements: number, hyper: H): void;

  /** Adds tensors with their own option overrides, as PyTorch's add_param_group (e.g. to fine-tune a new head). */
  addParamGroup(group: ParamGroupOptions<H>): void {
    const { params, ...overrides } = group;
    const where = `param group ${this.paramGroups.length}`;
    this.checkKnownKeys(overrides, where);
    const tensors = this.checkNewParams(params, where);
    const values = freezeValues({ ...this.defaults, ...definedEntries(overrides) } as unknown as H);
    this.spec.validate(values);
    this.groupValues.push(values);
    this.paramGroups.push(this.groupView(tensors, values));
  }

  /**
   * Clears the gradients of every parameter, as zero_grad(): frees them (the default, as PyTorch's
   * set_to_none=True; backward then hands each parameter its new gradient without adding it to
   * zeros), or with `{ setToNone: false }` fills them with zeros in place, in one kernel call.
   */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    this.assertUsable('zeroGrad');
    const setToNone = options.setToNone ?? true;
    const grads: Tensor[] = [];
    for (const group of this.paramGroups) {
      for (const param of group.params) {
        const grad = param.grad;
        if (!grad) continue;
        if (setToNone) {
          grad.dispose();
          param.grad = null;
        } else if (!grad.isDisposed) {
          grads.push(grad);
        }
      }
    }
    if (grads.length > 0) kernels().zeroTensors(this.table.list(grads), grads.length);
  }

  /** One update of every parameter whose `.grad` is set; parameters without a gradient are skipped. */
  step(): void {
    this.assertUsable('step');
    noteStep();
    const { all, byGroup } = this.pendingUpdates();
    for (const item of all) this.checkGradientShape(item);
    this.checkGradientsFinite(all);
    const tables = this.writeEntries(byGroup);
    byGroup.forEach((updates, g) => {
      const elements = updates.reduce((n, { param }) => n + param.size, 0);
      if (updates.length > 0) this.updateTensors(tables[g]!, updates.length, elements, this.groupValues[g]!);
    });
  }

  /**
   * Hyper-parameters per group, step counts and state buffers as plain numbers: JSON-serialisable;
   * or with `{ format: 'torch' }` in PyTorch's layout and names (see src/optim/torch-state.ts).
   */
  stateDict(): OptimizerStateDict;
  stateDict(options: { format: 'torch' }): TorchOptimizerStateDict;
  stateDict(options?: OptimizerStateDictOptions): OptimizerStateDict | TorchOptimizerStateDict;
  stateDict(options: OptimizerStateDictOptions = {}): OptimizerStateDict | TorchOptimizerStateDict {
    this.assertUsable('stateDict');
    checkStateDictFormat(this.spec.name, options?.format);
    const state: OptimizerStateDict['state'] = {};
    let index = 0;
    const paramGroups = this.paramGroups.map((group, g) => {
      const params = group.params.map((param) => {
        const saved = this.state.get(param);
        if (saved) state[index] = saved.toJSON();
        return index++;
      });
      return { ...plainValues(this.groupValues[g]!), params };
    });
    return options?.format === 'torch' ? toTorchStateDict(this.spec.name, { state, paramGroups }, this.paramGroups.flatMap((group) => group.params.map((param) => param.shape))) : { state, paramGroups };
  }

  /**
   * Restores what stateDict() returned (possibly after a JSON round trip) into an optimizer over
   * the same parameters, or PyTorch's optimizer.state_dict() layout (stateDict({ format: 'torch' })).
   * Everything is checked first, buffer values included (finite float32 numbers only): on any
   * problem it throws and changes nothing.
   */
  loadStateDict(input: OptimizerStateDict | TorchOptimizerStateDictInput): void {
    this.assertUsable('loadStateDict');
    const dict = isTorchStateDict(input) ? fromTorchStateDict(this.spec.name, input) : input;
    const where = `${this.spec.name}.loadStateDict()`;
    if (!isPlainObject(dict) || !Array.isArray(dict.paramGroups) || !isPlainObject(dict.state)) {
      throw new Error(`simdgrad: ${where}: expected an object { state, paramGroups } as returned by stateDict().`);
    }
    if (dict.paramGroups.length !== this.paramGroups.length) {
      throw new Error(`simdgrad: ${where}: the state dict has ${dict.paramGroups.length} param groups but this optimizer has ${this.paramGroups.length}; load it into an optimizer built over the same param groups.`);
    }
    const savedParams = new Map<string, Tensor>();
    const hypers = dict.paramGroups.map((saved, g) => this.checkSavedGroup(saved, g, where, savedParams));
    const restored = this.restoreStates(dict.state, savedParams, where);
    hypers.forEach((hyper, g) => Object.assign(this.groupValues[g]!, hyper));
    for (const state of this.state.values()) state.dispose();
    this.state.clear();
    for (const [param, state] of restored) this.state.set(param, state);
  }

  /** Frees the state buffers. The optimizer cannot step afterwards. */
  dispose(): void {
    for (const state of this.state.values()) state.dispose();
    this.state.clear();
    this.table.dispose();
    this.disposed = true;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  // The parameters that have a gradient, in order and per param group.
  private pendingUpdates(): { all: PendingUpdate[]; byGroup: PendingUpdate[][] } {
    const all: PendingUpdate[] = [];
    let index = 0;
    const byGroup = this.paramGroups.map((group, groupIndex) => {
      const updates: PendingUpdate[] = [];
      for (const param of group.params) {
        if (param.grad) updates.push({ param, grad: param.grad, index, groupIndex });
        index++;
      }
      all.push(...updates);
      return updates;
    });
    return { all, byGroup };
  }

  private checkGradientShape(item: PendingUpdate): void {
    const { param, grad } = item;
    if (grad.isDisposed) {
      throw new Error(`simdgrad: ${this.describe(item)} has a disposed .grad; set param.grad = null (or keep() the gradient) instead of disposing it.`);
    }
    if (grad.size !== param.size || !sameShape(grad.shape, param.shape)) {
      throw new Error(`simdgrad: ${this.describe(item)} has a .grad of shape ${formatShape(grad.shape)}; the gradient must have the parameter's shape.`);
    }
  }

  private checkGradientsFinite(pending: PendingUpdate[]): void {
    const table = this.table.list(pending.map((item) => item.grad));
    const failed = kernels().firstNonFiniteTensor(table, pending.length);
    if (failed < 0) return;
    const item = pending[failed]!;
    throw new Error(
      `simdgrad: ${this.describe(item)}: its gradient contains NaN or Infinity, so no parameter was changed. The loss has probably ` +
        `diverged: lower the learning rate (lr is ${this.groupValues[item.groupIndex]!.lr}) or clip gradients with optim.clipGradNorm(params, maxNorm) before step().`,
    );
  }

  private describe({ param, index, groupIndex }: PendingUpdate): string {
    return `${this.spec.name}.step(): parameter ${index} (shape ${formatShape(param.shape)}, param group ${groupIndex})`;
  }

  // Writes the kernel-table entries of every group, counting the step and creating missing
  // state, before any kernel runs: running out of memory for a state buffer, the one thing that
  // can fail here, then happens before any parameter changes, and is undone (new buffers freed,
  // step counts restored) so that a retried step is exactly the step that failed. Returns the
  // address of each group's first entry.
  private writeEntries(byGroup: PendingUpdate[][]): number[] {
    const words = this.spec.entryWords;
    let address = this.table.start(byGroup.reduce((n, updates) => n + updates.length, 0) * words);
    const undo: (() => void)[] = [];
    try {
      return byGroup.map((updates, g) => {
        const first = address;
        for (const { param, grad } of updates) {
          const state = this.stateForStep(param, undo);
          state.step++;
          this.writeEntry(this.table, param, grad, state, this.groupValues[g]!);
        }
        address += updates.length * words * 4;
        return first;
      });
    } catch (error) {
      for (const restore of undo.reverse()) restore();
      throw error;
    }
  }

  // The parameter's state, created on first use, with how to put it back as it was in `undo`.
  private stateForStep(param: Tensor, undo: (() => void)[]): ParamState {
    const existing = this.state.get(param);
    if (existing) {
      const saved = existing.savePoint();
      undo.push(() => existing.rollBack(saved));
      return existing;
    }
    const created = new ParamState();
    this.state.set(param, created);
    undo.push(() => {
      created.dispose();
      this.state.delete(param);
    });
    return created;
  }

  private checkSavedGroup(saved: unknown, g: number, where: string, savedParams: Map<string, Tensor>): H {
    if (!isPlainObject(saved)) throw new Error(`simdgrad: ${where}: param group ${g} is not an object.`);
    const { params: ids, ...values } = saved as { params?: unknown } & Record<string, unknown>;
    const current = this.paramGroups[g]!.params;
    if (!Array.isArray(ids) || ids.length !== current.length) {
      const count = Array.isArray(ids) ? ids.length : 'no';
      throw new Error(`simdgrad: ${where}: param group ${g} has ${count} parameters in the state dict but ${current.length} in this optimizer; load it into an optimizer built over the same parameters.`);
    }
    const known = Object.keys(this.spec.defaults);
    const missing = known.filter((key) => !(key in values));
    const unknown = Object.keys(values).filter((key) => !known.includes(key));
    if (missing.length > 0 || unknown.length > 0) {
      throw new Error(`simdgrad: ${where}: param group ${g} has hyper-parameters [${Object.keys(values).join(', ')}] but ${this.spec.name} has [${known.join(', ')}]; was the state saved from another optimizer?`);
    }
    const hyper = freezeValues(values as unknown as H);
    this.spec.validate(hyper);
    ids.forEach((id, j) => savedParams.set(String(id), current[j]!));
    return hyper;
  }

  private restoreStates(saved: Record<string, unknown>, savedParams: Map<string, Tensor>, where: string): Map<Tensor, ParamState> {
    const checked: [Tensor, number, Record<string, number[]>][] = [];
    for (const [id, entry] of Object.entries(saved)) {
      const param = savedParams.get(id);
      if (!param) throw new Error(`simdgrad: ${where}: the state dict has state for parameter ${id}, which none of its param groups lists.`);
      checked.push([param, ...this.checkSavedState(entry, id, param, where)]);
    }
    const restored = new Map<Tensor, ParamState>();
    try {
      for (const [param, step, buffers] of checked) restored.set(param, ParamState.restore(step, buffers, param));
    } catch (error) {
      for (const state of restored.values()) state.dispose();
      throw error;
    }
    return restored;
  }

  private checkSavedState(entry: unknown, id: string, param: Tensor, where: string): [number, Record<string, number[]>] {
    const { step, buffers } = (isPlainObject(entry) ? entry : {}) as { step?: unknown; buffers?: unknown };
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || !isPlainObject(buffers)) {
      throw new Error(`simdgrad: ${where}: the state of parameter ${id} must be { step: integer >= 0, buffers: { name: number[] } }.`);
    }
    const allowed = this.spec.buffers;
    for (const [name, values] of Object.entries(buffers)) {
      if (!allowed.includes(name)) {
        throw new Error(`simdgrad: ${where}: parameter ${id} has a state buffer '${name}', but ${this.spec.name} keeps only [${allowed.join(', ')}]; was the state saved from another optimizer?`);
      }
      const problem = stateValuesProblem(values, param.size, `state buffer '${name}' of parameter ${id}`, `the parameter has shape ${formatShape(param.shape)} (${param.size} numbers)`);
      if (problem?.kind === 'layout') throw new Error(`simdgrad: ${where}: ${problem.message}; the state belongs to a different model.`);
      if (problem) throw new Error(`simdgrad: ${where}: ${problem.message}. ${NON_FINITE_STATE_FIX}`);
    }
    return [step, buffers as Record<string, number[]>];
  }

  private checkKnownKeys(options: object, where: string): void {
    const known = Object.keys(this.spec.defaults);
    for (const key of Object.keys(options)) {
      if (!known.includes(key)) {
        throw new Error(`simdgrad: ${this.spec.name}: unknown option '${key}' in ${where}; the options are ${known.join(', ')} (camelCase: weightDecay for PyTorch's weight_decay).`);
      }
    }
  }

  private checkNewParams(params: Tensor | Iterable<Tensor>, where: string): Tensor[] {
    const list = isTensor(params) ? [params] : isIterable(params) ? [...params] : null;
    if (!list || !list.every(isTensor)) {
      throw new Error(`simdgrad: ${this.spec.name}: ${where}: params must be tensors (e.g. model.parameters()).`);
    }
    const seen = new Set(this.paramGroups.flatMap((group) => group.params));
    for (const param of list) {
      if (!param.isLeaf) {
        throw new Error(`simdgrad: ${this.spec.name}: ${where}: cannot optimize a tensor computed by an op (shape ${formatShape(param.shape)}); pass leaf tensors created with { requiresGrad: true }.`);
      }
      if (seen.has(param)) {
        throw new Error(`simdgrad: ${this.spec.name}: ${where}: a parameter of shape ${formatShape(param.shape)} appears more than once; each parameter may be in one param group only.`);
      }
      seen.add(param);
    }
    return list;
  }

  // The group's hyper-parameters are accessors over `values`, so every assignment is validated
  // and loadStateDict can replace them all at once. Sealed: a misspelt name throws.
  private groupView(params: Tensor[], values: H): ParamGroup<H> {
    const group = Object.defineProperty({}, 'params', { value: Object.freeze(params), enumerable: true }) as ParamGroup<H>;
    const record = values as unknown as Record<string, HyperValue>;
    for (const key of Object.keys(values)) {
      Object.defineProperty(group, key, {
        enumerable: true,
        get: () => record[key],
        set: (value: HyperValue) => {
          const next = freezeValues({ ...values, [key]: value });
          this.spec.validate(next);
          record[key] = next[key as keyof H] as HyperValue;
        },
      });
    }
    return Object.seal(group);
  }

  private assertUsable(action: string): void {
    if (this.disposed) throw new Error(`simdgrad: ${this.spec.name}.${action}(): this optimizer was disposed and its state freed; create a new optimizer.`);
  }
}

function toGroupOptions<H extends HyperParameters>(name: string, params: OptimizerParams<H>): ParamGroupOptions<H>[] {
  const usage = `simdgrad: ${name}: params must be an array of tensors (e.g. model.parameters()) or of param groups { params, ...options }`;
  if (!isIterable(params) || isTensor(params)) throw new Error(`${usage}.`);
  const items = [...(params as Iterable<unknown>)];
  if (items.length === 0) throw new Error(`${usage}; got an empty list. Does the model have parameters?`);
  if (items.every(isTensor)) return [{ params: items } as unknown as ParamGroupOptions<H>];
  if (items.every((item) => isPlainObject(item) && 'params' in item)) return items as ParamGroupOptions<H>[];
  throw new Error(`${usage}, not a mix of both or other values.`);
}

function definedEntries<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

// Arrays (Adam's betas) are copied and frozen, so changing the caller's array cannot bypass validation.
function freezeValues<H>(values: H): H {
  const copy = { ...values } as Record<string, unknown>;
  for (const [key, value] of Object.entries(copy)) if (Array.isArray(value)) copy[key] = Object.freeze([...value]);
  return copy as H;
}

function plainValues(values: object): Record<string, HyperValue> {
  const copy: Record<string, HyperValue> = {};
  for (const [key, value] of Object.entries(values)) copy[key] = Array.isArray(value) ? [...value] : (value as HyperValue);
  return copy;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && (value as { isSimdgradTensor?: boolean }).isSimdgradTensor === true;
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
