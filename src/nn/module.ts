import { kernels } from '../backend/backend.js';
import { keep } from '../scope.js';
import { scopeForwardOfClass } from './forward-scope.js';
import { describe } from '../check-args.js';
import type { Tensor } from '../tensor.js';
import { loadIntoTensors, snapshotTensors, type LoadStateDictOptions, type LoadStateDictResult, type StateDict, type StateDictInput } from './state-dict.js';

/** A module of any signature, as held in a container. */
export type AnyModule = Module<any[], unknown>;

type MemberKind = 'parameter' | 'buffer' | 'submodule';

const REGISTER_METHOD: Record<MemberKind, string> = { parameter: 'registerParameter', buffer: 'registerBuffer', submodule: 'registerModule' };

interface RegisteredBuffer {
  tensor: Tensor;
  persistent: boolean;
}

/**
 * Base class of every layer and model, as torch.nn.Module. A subclass registers its parameters,
 * buffers and submodules in its constructor and implements forward():
 *
 *     class Net extends nn.Module {
 *       fc1 = this.registerModule('fc1', new nn.Linear(784, 128));
 *       fc2 = this.registerModule('fc2', new nn.Linear(128, 10));
 *       forward(x: Tensor): Tensor { return this.fc2.forward(F.relu(this.fc1.forward(x))); }
 *     }
 *
 * Registration is explicit (rather than discovered from fields) so that a tensor held for any
 * other reason never turns into a parameter, and names are exactly the ones PyTorch would use.
 * `Inputs` and `Output` type forward(); the default is one tensor in, one tensor out.
 */
export abstract class Module<Inputs extends unknown[] = [Tensor], Output = Tensor> {
  /** True in training mode (the default), false after eval(); Dropout and BatchNorm read it. */
  training = true;
  private readonly ownParameters = new Map<string, Tensor>();
  private readonly ownBuffers = new Map<string, RegisteredBuffer>();
  private readonly ownModules = new Map<string, AnyModule>();

  constructor() {
    scopeForwardOfClass(this);
  }

  /**
   * The computation. It runs in a scope: tensors it creates and neither returns nor stores on
   * the module (nor keep()s) are freed when it returns, so a forward pass leaves only its output.
   */
  abstract forward(...inputs: Inputs): Output;

  /**
   * Makes `tensor` a parameter called `name`: it requires grad, is exempt from tidy(), and
   * appears in parameters() and stateDict(). Returns the tensor, to assign to a field.
   */
  registerParameter(name: string, tensor: Tensor): Tensor {
    this.checkMemberName(name, 'parameter');
    tensor.assertAlive('register as a parameter');
    if (!tensor.isLeaf) {
      throw new Error(`simdgrad: ${this.constructor.name}.registerParameter('${name}'): the tensor was computed by an op ('${tensor.gradFn!.op}'), but a parameter must be a leaf; register a fresh tensor or x.detach().clone().`);
    }
    tensor.requiresGrad = true;
    this.ownParameters.set(name, keep(tensor));
    return tensor;
  }

  /**
   * Makes `tensor` state that is not trained (e.g. BatchNorm's running mean): exempt from
   * tidy(), listed by buffers(), and saved in stateDict() unless `persistent` is false.
   */
  registerBuffer(name: string, tensor: Tensor, options: { persistent?: boolean } = {}): Tensor {
    this.checkMemberName(name, 'buffer');
    tensor.assertAlive('register as a buffer');
    this.ownBuffers.set(name, { tensor: keep(tensor), persistent: options.persistent ?? true });
    return tensor;
  }

  /** Makes `module` a child called `name`; its parameters appear as `name.<its names>`. Returns it. */
  registerModule<M extends AnyModule>(name: string, module: M): M {
    this.checkMemberName(name, 'submodule');
    checkModule(`${this.constructor.name}.registerModule('${name}')`, 'module', module);
    this.ownModules.set(name, module);
    return module;
  }

  /** Every parameter of this module and its descendants, each once. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Parameters with PyTorch's dotted names (`0.weight`, `fc1.bias`), each once. */
  namedParameters(): [string, Tensor][] {
    return this.collectNamed((m) => m.ownParameters);
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  namedBuffers(): [string, Tensor][] {
    return this.collectNamed((m) => new Map([...m.ownBuffers].map(([name, b]) => [name, b.tensor])));
  }

  /** The direct submodules. */
  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  namedChildren(): [string, AnyModule][] {
    const seen = new Set<AnyModule>();
    return [...this.ownModules].filter(([, m]) => !seen.has(m) && seen.add(m));
  }

  /** This module and every descendant, depth first, each once. */
  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Like modules(), with dotted paths; this module itself is ''. */
  namedModules(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    const visit = (prefix: string, module: AnyModule): void => {
      if (seen.has(module)) return;
      seen.add(module);
      out.push([prefix, module]);
      for (const [name, child] of module.ownModules) visit(joinName(prefix, name), child);
    };
    visit('', this);
    return out;
  }

  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    this.training = mode;
    for (const child of this.ownModules.values()) child.train(mode);
    return this;
  }

  /** Evaluation mode: train(false). */
  eval(): this {
    return this.train(false);
  }

  /**
   * A copy of every parameter and persistent buffer, keyed by PyTorch's dotted names, in
   * registration order. Later changes to the model do not affect it.
   */
  stateDict(): StateDict {
    return snapshotTensors(this.stateTensors());
  }

  /**
   * Copies values from `state` into this module's parameters and buffers, in place (so
   * optimizers keep working). Every name, shape and value is checked before anything is written:
   * on any problem it throws, listing them all, and the model is unchanged. Values must be
   * finite float32 numbers (NaN, Infinity, strings and null are refused). With
   * `{ strict: false }` missing and unexpected keys are skipped and reported instead.
   */
  loadStateDict(state: StateDictInput, options: LoadStateDictOptions = {}): LoadStateDictResult {
    return loadIntoTensors(this.stateTensors(), state, options, this.constructor.name);
  }

  /** Clears every parameter's gradient: frees it (the default), or fills it with zeros. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = options.setToNone ?? true;
    for (const p of this.parameters()) {
      if (!p.grad) continue;
      if (setToNone) {
        p.grad.dispose();
        p.grad = null;
      } else {
        kernels().fill(p.grad.ptr, p.grad.size, 0);
      }
    }
  }

  /** The number of trainable values: the total size of parameters(). */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Frees every parameter (with its gradient) and buffer of this module and its descendants. */
  dispose(): void {
    for (const module of this.modules()) {
      for (const p of module.ownParameters.values()) p.dispose();
      for (const b of module.ownBuffers.values()) b.tensor.dispose();
    }
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** The settings shown between the parentheses of toString(), as PyTorch's extra_repr. */
  extraRepr(): string {
    return '';
  }

  /**
   * A summary of the module tree exactly as PyTorch's Module.__repr__: settings alone on one
   * line, `Linear(in_features=4, out_features=3, bias=True)`; otherwise one line per setting
   * and per child, `(0): Conv2d(...)`, each indented by two spaces.
   */
  toString(): string {
    const name = this.constructor.name;
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines = [...this.ownModules].map(([childName, child]) => `(${childName}): ${child.toString().replaceAll('\n', '\n  ')}`);
    if (childLines.length === 0 && extraLines.length <= 1) return `${name}(${extra})`;
    return `${name}(\n  ${[...extraLines, ...childLines].join('\n  ')}\n)`;
  }

  // State dicts do not drop repeated tensors: a shared weight is saved under each of its names, as in PyTorch.
  private stateTensors(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, p] of this.ownParameters) out.push([joinName(prefix, name), p]);
    for (const [name, b] of this.ownBuffers) if (b.persistent) out.push([joinName(prefix, name), b.tensor]);
    for (const [name, child] of this.ownModules) out.push(...child.stateTensors(joinName(prefix, name)));
    return out;
  }

  private collectNamed(own: (module: AnyModule) => Map<string, Tensor>): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, tensor] of own(module)) {
        if (seen.has(tensor)) continue;
        seen.add(tensor);
        out.push([joinName(prefix, name), tensor]);
      }
    }
    return out;
  }

  private checkMemberName(name: string, kind: MemberKind): void {
    const where = `simdgrad: ${this.constructor.name}.${REGISTER_METHOD[kind]}('${name}')`;
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new Error(`${where}: a member name must be a non-empty string without '.', since '.' separates the parts of state-dict keys.`);
    }
    const members: [MemberKind, Map<string, unknown>][] = [['parameter', this.ownParameters], ['buffer', this.ownBuffers], ['submodule', this.ownModules]];
    const clash = members.find(([other, names]) => other !== kind && names.has(name));
    if (clash) throw new Error(`${where}: '${name}' is already a ${clash[0]} of this module; choose another name.`);
  }
}

/** An nn.Module, or an error naming the argument. */
export function checkModule(op: string, name: string, value: unknown): Module<any[], unknown> {
  if (value instanceof Module) return value;
  throw new Error(`simdgrad: ${op}: ${name} must be an nn.Module, got ${describe(value)}${typeof value === 'string' ? `; pass an instance, e.g. new nn.ReLU()` : ''}.`);
}

function joinName(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}
