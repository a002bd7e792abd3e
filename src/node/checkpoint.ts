import type { DataLoader, DataLoaderStateDict } from '../data/dataloader.js';
import type { SafetensorsTensor } from '../io/safetensors.js';
import type { AnyModule } from '../nn/module.js';
import type { StateDict } from '../nn/state-dict.js';
import type { LRScheduler, LRSchedulerStateDict } from '../optim/lr-scheduler.js';
import type { Optimizer, OptimizerStateDict } from '../optim/optimizer.js';
import { getRngState, setRngState, type RngState } from '../random.js';
import { readSafetensorsFile, writeSafetensorsFile } from './safetensors-file.js';
import { withPath } from './with-path.js';

export interface SaveCheckpointOptions {
  /** The model whose state dict to save (required). */
  model: AnyModule;
  /** The optimizer whose state to save (required). */
  optimizer: Optimizer;
  /** Its epoch count and base lrs are saved too, so the schedule resumes where it was (default: none saved). */
  scheduler?: LRScheduler;
  /** Its shuffling state is saved too, so the next epochs visit the samples in the same orders (default: none saved). */
  dataLoader?: DataLoader;
  /** Epochs finished so far (required); loadCheckpoint() returns it, to resume the epoch count. */
  epoch: number;
}

export interface LoadCheckpointOptions {
  /** The model to restore, built as when it was saved (required). */
  model: AnyModule;
  /** The optimizer to restore, built over that model's parameters as when it was saved (required). */
  optimizer: Optimizer;
  /** The scheduler to restore; required when the checkpoint holds one (default: none). */
  scheduler?: LRScheduler;
  /** The DataLoader whose shuffling to restore; required when the checkpoint holds one (default: none). */
  dataLoader?: DataLoader;
}

const MODEL_PREFIX = 'model.';
const OPTIMIZER_TENSOR = /^optimizer\.(\d+)\.(.+)$/;

/**
 * Saves what resuming training needs to one .safetensors file, atomically as saveWeights():
 * - `model.<name>`: each tensor of model.stateDict();
 * - `optimizer.<i>.<buffer>`: each optimizer state buffer of parameter i (counted over all param
 *   groups), shaped like the parameter, e.g. `optimizer.0.expAvg`;
 * - metadata `epoch`; JSON of the optimizer's param groups and step counts (`optimizer`), of the
 *   random generator (`rng`: dropout, shuffling, rand), and of the scheduler and data loader
 *   when given (`scheduler`, `dataLoader`).
 * Loading it and training on gives bit for bit the parameters training on without the save gives.
 * In Python, `{k[6:]: v for k, v in load_file(path).items() if k.startswith('model.')}` is the
 * model's state dict.
 */
export async function saveCheckpoint(path: string, { model, optimizer, scheduler, dataLoader, epoch }: SaveCheckpointOptions): Promise<void> {
  await withPath('saveCheckpoint', path, async () => {
    if (!isEpoch(epoch)) throw new Error(`simdgrad: epoch must be a non-negative integer (the epochs finished so far), got ${epoch}.`);
    const tensors: StateDict = new Map([...model.stateDict()].map(([name, entry]) => [MODEL_PREFIX + name, entry]));
    const { state, paramGroups } = optimizer.stateDict();
    const params = optimizer.paramGroups.flatMap((group) => group.params);
    const steps: Record<string, number> = {};
    for (const [id, { step, buffers }] of Object.entries(state)) {
      steps[id] = step;
      for (const [buffer, values] of Object.entries(buffers)) {
        tensors.set(`optimizer.${id}.${buffer}`, { shape: [...params[Number(id)]!.shape], data: Float32Array.from(values) });
      }
    }
    const metadata: Record<string, string> = { epoch: String(epoch), optimizer: JSON.stringify({ paramGroups, steps }), rng: JSON.stringify(getRngState()) };
    if (scheduler) metadata.scheduler = JSON.stringify(scheduler.stateDict());
    if (dataLoader) metadata.dataLoader = JSON.stringify(dataLoader.stateDict());
    await writeSafetensorsFile(path, tensors, metadata);
  });
}

/**
 * Restores a saveCheckpoint() file into `model`, `optimizer`, the scheduler and data loader if
 * given (each built as when it was saved), and the random generator; returns the saved epoch.
 * All or nothing: if the file or any of them does not fit, it throws and every one of them,
 * the generator included, is left as it was.
 */
export async function loadCheckpoint(path: string, { model, optimizer, scheduler, dataLoader }: LoadCheckpointOptions): Promise<{ epoch: number }> {
  return withPath('loadCheckpoint', path, async () => {
    const { tensors, metadata } = await readSafetensorsFile(path);
    const checkpoint = splitCheckpoint(tensors, metadata);
    const scheduled = scheduler ? requiredJson<LRSchedulerStateDict>(metadata, 'scheduler', 'a scheduler') : undefined;
    const loaderState = dataLoader ? requiredJson<DataLoaderStateDict>(metadata, 'dataLoader', 'a data loader') : undefined;
    const rng = requiredJson<RngState>(metadata, 'rng', 'the random generator');
    // The model goes last, so it is never undone: its values may be ones a load refuses (NaN
    // after a diverged run), and its own load changes nothing when it fails.
    const steps: [restore: () => void, undo: () => void][] = [
      undoable(() => optimizer.stateDict(), () => optimizer.loadStateDict(checkpoint.optimizer), (previous) => optimizer.loadStateDict(previous)),
      ...(scheduler ? [undoable(() => scheduler.stateDict(), () => scheduler.loadStateDict(scheduled!), (previous) => scheduler.loadStateDict(previous))] : []),
      ...(dataLoader ? [undoable(() => dataLoader.stateDict(), () => dataLoader.loadStateDict(loaderState!), (previous) => dataLoader.loadStateDict(previous))] : []),
      undoable(getRngState, () => setRngState(rng), setRngState),
      [() => model.loadStateDict(checkpoint.model), () => {}],
    ];
    restoreAll(steps);
    return { epoch: checkpoint.epoch };
  });
}

// Each restore checks before it writes, so undoing the ones already done leaves everything as it was.
function restoreAll(steps: [restore: () => void, undo: () => void][]): void {
  const done: (() => void)[] = [];
  try {
    for (const [restore, undo] of steps) {
      restore();
      done.push(undo);
    }
  } catch (error) {
    for (const undo of done.reverse()) undo();
    throw error;
  }
}

function undoable<S>(snapshot: () => S, restore: () => void, put: (previous: S) => void): [() => void, () => void] {
  let previous: S;
  return [
    () => {
      previous = snapshot();
      restore();
    },
    () => put(previous),
  ];
}

function splitCheckpoint(tensors: Map<string, SafetensorsTensor>, metadata: Record<string, string>): { model: StateDict; optimizer: OptimizerStateDict; epoch: number } {
  if (metadata.epoch === undefined || metadata.optimizer === undefined) {
    throw new Error("simdgrad: the file has no 'epoch' and 'optimizer' metadata, so it is not a checkpoint from saveCheckpoint(); load plain weights with loadWeights().");
  }
  const epoch = Number(metadata.epoch);
  if (!isEpoch(epoch)) throw new Error(`simdgrad: the checkpoint's epoch '${metadata.epoch}' is not a non-negative integer; the file is corrupt.`);
  const { paramGroups, steps } = parseOptimizerMetadata(metadata.optimizer);
  const state: OptimizerStateDict['state'] = {};
  for (const [id, step] of Object.entries(steps)) state[Number(id)] = { step, buffers: {} };
  const model: StateDict = new Map();
  for (const [name, entry] of tensors) {
    const buffer = OPTIMIZER_TENSOR.exec(name);
    if (name.startsWith(MODEL_PREFIX)) {
      model.set(name.slice(MODEL_PREFIX.length), entry);
    } else if (buffer && state[Number(buffer[1])]) {
      state[Number(buffer[1])]!.buffers[buffer[2]!] = Array.from(entry.data);
    } else {
      throw new Error(`simdgrad: tensor '${name}' is neither 'model.<name>' nor 'optimizer.<i>.<buffer>' of a parameter with a step count in the metadata; the checkpoint is corrupt.`);
    }
  }
  return { model, optimizer: { state, paramGroups }, epoch };
}

function parseOptimizerMetadata(json: string): { paramGroups: OptimizerStateDict['paramGroups']; steps: Record<string, number> } {
  const { paramGroups, steps } = parseJson(json, 'optimizer') as Record<string, unknown>;
  if (!Array.isArray(paramGroups) || typeof steps !== 'object' || steps === null || Array.isArray(steps)) {
    throw new Error("simdgrad: the checkpoint's 'optimizer' metadata must be { paramGroups: [...], steps: { i: step } }; the file is corrupt.");
  }
  return { paramGroups, steps: steps as Record<string, number> };
}

function requiredJson<T>(metadata: Record<string, string>, key: string, what: string): T {
  if (metadata[key] === undefined) {
    throw new Error(`simdgrad: the checkpoint has no '${key}' metadata, so it cannot restore ${what}; it was saved without one: load it without the '${key}' option, or save the checkpoint with it.`);
  }
  return parseJson(metadata[key], key) as T;
}

function parseJson(json: string, key: string): unknown {
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch (error) {
    throw new Error(`simdgrad: the checkpoint's '${key}' metadata is not valid JSON (${(error as Error).message}); the file is corrupt.`);
  }
}

function isEpoch(epoch: number): boolean {
  return Number.isSafeInteger(epoch) && epoch >= 0;
}
