import type { StateDictEntry } from '../nn/state-dict.js';
import type { TorchOptimizerStateDict } from '../optim/torch-state.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

/**
 * An optimizer's state in PyTorch's layout (optimizer.stateDict({ format: 'torch' })) as a
 * safetensors file, which holds tensors only: each state tensor under a flattened key
 * (`state.0.exp_avg`, `state.0.step`) and the param groups as JSON in the metadata under
 * `param_groups`. scripts/simdgrad_torch.py reads and writes the same files on the PyTorch side.
 */

const STATE_KEY = /^state\.(\d+)\.(.+)$/;
const ENCODE = 'encodeTorchOptimizerState';
const DECODE = 'decodeTorchOptimizerState';

export function encodeTorchOptimizerState(dict: TorchOptimizerStateDict): Uint8Array {
  if (typeof dict !== 'object' || dict === null || !Array.isArray(dict.param_groups) || typeof dict.state !== 'object') {
    throw new Error(`simdgrad: ${ENCODE}: expected PyTorch's layout { state, param_groups }, as optimizer.stateDict({ format: 'torch' }) returns it.`);
  }
  const tensors = new Map<string, StateDictEntry>();
  for (const [index, entry] of Object.entries(dict.state)) {
    for (const [name, tensor] of Object.entries(entry)) tensors.set(`state.${index}.${name}`, tensor);
  }
  return encodeSafetensors(tensors, { format: 'pt', param_groups: JSON.stringify(dict.param_groups) });
}

export function decodeTorchOptimizerState(bytes: Uint8Array | ArrayBuffer): TorchOptimizerStateDict {
  const { tensors, metadata } = decodeSafetensors(bytes);
  if (metadata.param_groups === undefined) {
    throw new Error(`simdgrad: ${DECODE}: the file has no 'param_groups' in its metadata, so it is not an optimizer state; write it with encodeTorchOptimizerState() or scripts/simdgrad_torch.py.`);
  }
  const state: TorchOptimizerStateDict['state'] = {};
  for (const [key, tensor] of tensors) {
    const match = STATE_KEY.exec(key);
    if (!match) throw new Error(`simdgrad: ${DECODE}: tensor '${key}' is not named state.<index>.<name>; was the file written from a model's state dict?`);
    (state[Number(match[1])] ??= {})[match[2]!] = tensor;
  }
  return { state, param_groups: parseParamGroups(metadata.param_groups) };
}

function parseParamGroups(json: string): TorchOptimizerStateDict['param_groups'] {
  let groups: unknown;
  try {
    groups = JSON.parse(json);
  } catch {
    groups = null;
  }
  if (!Array.isArray(groups)) throw new Error(`simdgrad: ${DECODE}: the metadata's param_groups must be a JSON list of param groups, got ${JSON.stringify(json.slice(0, 80))}.`);
  return groups as TorchOptimizerStateDict['param_groups'];
}
