"""PyTorch's side of simdgrad's interop files, with no dependency but torch.

- read_safetensors / write_safetensors: the safetensors format (F32, F64, I64), as
  safetensors.torch.load_file / save_file, for model state dicts both ways.
- load_optimizer_state / save_optimizer_state: an optimizer's state dict as the safetensors file
  simdgrad's io.encodeTorchOptimizerState writes (state.<index>.<name> tensors, param_groups as
  JSON metadata), ready for torch's optimizer.load_state_dict, and back.

    import torch, simdgrad_torch                      # with scripts/ on sys.path
    model.load_state_dict(simdgrad_torch.read_safetensors('model.safetensors')[0])
    optimizer.load_state_dict(simdgrad_torch.load_optimizer_state('adam.safetensors'))
    ...train...
    simdgrad_torch.write_safetensors(model.state_dict(), 'model.safetensors')
    simdgrad_torch.save_optimizer_state(optimizer.state_dict(), 'adam.safetensors')
"""
import json
import re
import struct

import torch

DTYPES = {'F32': torch.float32, 'F64': torch.float64, 'I64': torch.int64}
NAMES = {dtype: name for name, dtype in DTYPES.items()}
STATE_KEY = re.compile(r'^state\.(\d+)\.(.+)$')


def write_safetensors(tensors, path, metadata=None):
    header, chunks, offset = {}, [], 0
    if metadata:
        header['__metadata__'] = metadata
    for name, tensor in tensors.items():
        array = tensor.detach().cpu().contiguous().numpy()
        data = array.astype(array.dtype.newbyteorder('<')).tobytes()
        header[name] = {'dtype': NAMES[tensor.dtype], 'shape': list(tensor.shape), 'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(',', ':')).encode()
    encoded += b' ' * (-len(encoded) % 8)
    with open(path, 'wb') as file:
        file.write(struct.pack('<Q', len(encoded)) + encoded + b''.join(chunks))


def read_safetensors(path):
    """Returns ({name: tensor}, metadata)."""
    with open(path, 'rb') as file:
        raw = file.read()
    (length,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + length])
    metadata = header.pop('__metadata__', {})
    data = raw[8 + length:]
    tensors = {}
    for name, entry in header.items():
        begin, end = entry['data_offsets']
        dtype = DTYPES[entry['dtype']]
        values = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype) if end > begin else torch.empty(0, dtype=dtype)
        tensors[name] = values.reshape(entry['shape']).clone()
    return tensors, metadata


def save_optimizer_state(state_dict, path):
    """Writes torch's optimizer.state_dict() (steps as 0-d float32 tensors, absent buffers left out)."""
    tensors = {}
    for index, entry in state_dict['state'].items():
        for name, value in entry.items():
            if value is None:
                continue
            tensors[f'state.{index}.{name}'] = torch.tensor(float(value)) if not torch.is_tensor(value) else value.float()
    groups = [{key: list(value) if isinstance(value, tuple) else value for key, value in group.items()} for group in state_dict['param_groups']]
    write_safetensors(tensors, path, {'format': 'pt', 'param_groups': json.dumps(groups)})


def load_optimizer_state(path):
    """An optimizer state file as the dict torch's optimizer.load_state_dict() takes."""
    tensors, metadata = read_safetensors(path)
    state = {}
    for key, tensor in tensors.items():
        index, name = STATE_KEY.match(key).groups()
        state.setdefault(int(index), {})[name] = tensor
    groups = json.loads(metadata['param_groups'])
    for group in groups:
        if 'betas' in group:
            group['betas'] = tuple(group['betas'])
    return {'state': state, 'param_groups': groups}
