#!/usr/bin/python3
"""Runs onnx.checker.check_model(model, full_check=True) (structure, operator schemas and shape
inference) on every exported model: by default build/onnx/*.onnx, which the dist project's
test/interop/onnxruntime.test.ts writes. Needs Python's onnx (Debian: apt-get install python3-onnx);
CI does not run it.

    npm run build && npx vitest run --project dist test/interop/onnxruntime.test.ts
    /usr/bin/python3 scripts/check-onnx.py [FILE.onnx ...]
"""
import glob
import os
import sys

import onnx

HERE = os.path.dirname(os.path.abspath(__file__))


def main(paths):
    paths = paths or sorted(glob.glob(os.path.join(HERE, '..', 'build', 'onnx', '*.onnx')))
    if not paths:
        sys.exit('no .onnx files: run the dist onnxruntime test first (see the docstring)')
    failed = skipped = 0
    newest = onnx.defs.onnx_opset_version()
    for path in paths:
        model = onnx.load(path)
        opset = model.opset_import[0].version
        if opset > newest:
            skipped += 1
            print(f'skip  {os.path.basename(path)}: opset {opset} is newer than this onnx knows ({newest})')
            continue
        try:
            onnx.checker.check_model(model, full_check=True)
            ops = sorted({node.op_type for node in model.graph.node})
            print(f'ok    {os.path.basename(path)}: opset {model.opset_import[0].version}, {len(model.graph.node)} nodes ({", ".join(ops)})')
        except onnx.checker.ValidationError as error:
            failed += 1
            print(f'FAIL  {os.path.basename(path)}: {error}')
    checked = len(paths) - skipped
    print(f'onnx {onnx.__version__}: {checked - failed} of {checked} models pass check_model(full_check=True), {skipped} skipped')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main(sys.argv[1:])
