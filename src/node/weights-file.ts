import type { AnyModule } from '../nn/module.js';
import type { LoadStateDictResult } from '../nn/state-dict.js';
import { readSafetensorsFile, writeSafetensorsFile } from './safetensors-file.js';
import { withPath } from './with-path.js';

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

/**
 * Writes model.stateDict() to `path` as a .safetensors file, tensor by tensor (so over 2 GiB
 * too); Python reads it with `safetensors.torch.load_file(path)`, keyed by PyTorch's state-dict
 * names and dtypes. The write is atomic (a temporary file of its own, flushed, then renamed), so
 * a crash never leaves a half-written file, and concurrent saves to one path leave one of them.
 */
export async function saveWeights(model: AnyModule, path: string, options: SaveWeightsOptions = {}): Promise<void> {
  await withPath('saveWeights', path, () => writeSafetensorsFile(path, model.stateDict(), { format: 'pt', ...options.metadata }));
}

/**
 * Loads a .safetensors file (from saveWeights() or Python's save_file) into `model`, in place,
 * reading it tensor by tensor (so over 2 GiB too). The file and its fit to the model are checked
 * completely first: if anything is wrong it throws, and the model is unchanged.
 */
export async function loadWeights(model: AnyModule, path: string, options: LoadWeightsOptions = {}): Promise<LoadWeightsResult> {
  return withPath('loadWeights', path, async () => {
    const { tensors, metadata } = await readSafetensorsFile(path);
    return { ...model.loadStateDict(tensors, { strict: options.strict ?? true }), metadata };
  });
}
