import { open, readFile, rename, rm } from 'node:fs/promises';
import { decodeSafetensors, encodeSafetensors } from '../io/safetensors.js';
import type { AnyModule } from '../nn/module.js';
import type { LoadStateDictResult, StateDict } from '../nn/state-dict.js';
import type { Optimizer, OptimizerStateDict } from '../optim/optimizer.js';

export interface SaveWeightsOptions {
  /** String metadata for the file's header (default none); `format: 'pt'` is added unless given (Hugging Face loaders check it). */
  metadata?: Record<string, string>;
}

export interface LoadWeightsOptions {
  /** Require the file's keys to match the model's exactly (default true). Shapes must always match. */
  strict?: boolean;
}

export interface LoadWeightsResult extends LoadStateDictResult {
  /** The file's metadata. */
  metadata: Record<string, string>;
}

export interface SaveCheckpointOptions {
  /** The model whose state dict to save (required). */
  model: AnyModule;
  /** The optimizer whose state to save (required). */
  optimizer: Optimizer;
  /** Epochs finished so far (required); loadCheckpoint() returns it, to resume the epoch count. */
  epoch: number;
}

export interface LoadCheckpointOptions {
  /** The model to restore, built as when it was saved (required). */
  model: AnyModule;
  /** The optimizer to restore, built over that model's parameters as when it was saved (required). */
  optimizer: Optimizer;
}

const MODEL_PREFIX = 'model.';
const OPTIMIZER_TENSOR = /^optimizer\.(\d+)\.(.+)$/;

/**
 * Writes model.stateDict() to `path` as a .safetensors file; Python reads it with
 * `safetensors.torch.load_file(path)`, keyed by PyTorch's state-dict names. The write is
 * atomic (to `path + '.tmp'`, flushed, then renamed), so a crash never leaves a half-written
 * file in place of earlier weights.
 */
export async function saveWeights(model: AnyModule, path: string, options: SaveWeightsOptions = {}): Promise<void> {
  await withPath('saveWeights', path, () => writeAtomically(path, encodeSafetensors(model.stateDict(), { format: 'pt', ...options.metadata })));
}

/**
 * Loads a .safetensors file (from saveWeights() or Python's save_file) into `model`, in place.
 * The file and its fit to the model are checked completely first: if anything is wrong it
 * throws, and the model is unchanged.
 */
export async function loadWeights(model: AnyModule, path: string, options: LoadWeightsOptions = {}): Promise<LoadWeightsResult> {
  return withPath('loadWeights', path, async () => {
    const { tensors, metadata } = decodeSafetensors(await readFile(path));
    return { ...model.loadStateDict(tensors, { strict: options.strict ?? true }), metadata };
  });
}

/**
 * Saves what resuming training needs to one .safetensors file, atomically as saveWeights():
 * - `model.<name>`: each tensor of model.stateDict();
 * - `optimizer.<i>.<buffer>`: each optimizer state buffer of parameter i (counted over all param
 *   groups), shaped like the parameter, e.g. `optimizer.0.expAvg`;
 * - metadata `epoch`, and `optimizer`: JSON of the param groups and each parameter's step count.
 * In Python, `{k[6:]: v for k, v in load_file(path).items() if k.startswith('model.')}` is the
 * model's state dict.
 */
export async function saveCheckpoint(path: string, { model, optimizer, epoch }: SaveCheckpointOptions): Promise<void> {
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
    const metadata = { epoch: String(epoch), optimizer: JSON.stringify({ paramGroups, steps }) };
    await writeAtomically(path, encodeSafetensors(tensors, metadata));
  });
}

/**
 * Restores a saveCheckpoint() file into `model` and `optimizer` (built as when it was saved) and
 * returns the saved epoch. Everything is checked before anything changes: if the file, the model
 * or the optimizer does not fit, it throws and both are left as they were.
 */
export async function loadCheckpoint(path: string, { model, optimizer }: LoadCheckpointOptions): Promise<{ epoch: number }> {
  return withPath('loadCheckpoint', path, async () => {
    const { tensors, metadata } = decodeSafetensors(await readFile(path));
    const checkpoint = splitCheckpoint(tensors, metadata);
    const previous = model.stateDict();
    model.loadStateDict(checkpoint.model);
    try {
      optimizer.loadStateDict(checkpoint.optimizer);
    } catch (error) {
      model.loadStateDict(previous);
      throw error;
    }
    return { epoch: checkpoint.epoch };
  });
}

function splitCheckpoint(tensors: StateDict, metadata: Record<string, string>): { model: StateDict; optimizer: OptimizerStateDict; epoch: number } {
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
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`simdgrad: the checkpoint's 'optimizer' metadata is not valid JSON (${(error as Error).message}); the file is corrupt.`);
  }
  const { paramGroups, steps } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (!Array.isArray(paramGroups) || typeof steps !== 'object' || steps === null || Array.isArray(steps)) {
    throw new Error("simdgrad: the checkpoint's 'optimizer' metadata must be { paramGroups: [...], steps: { i: step } }; the file is corrupt.");
  }
  return { paramGroups, steps: steps as Record<string, number> };
}

function isEpoch(epoch: number): boolean {
  return Number.isSafeInteger(epoch) && epoch >= 0;
}

async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${path}.tmp`;
  try {
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

// Names the operation and the file in every error, whichever layer threw it.
async function withPath<T>(op: string, path: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`simdgrad: ${op}('${path}'): ${message.replace(/^simdgrad: /, '')}`, { cause: error });
  }
}
