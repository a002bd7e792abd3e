// esbuild, 'simdgrad/slim': the kernels are a separate file, copied by the 'file' loader for
// .wasm, whose import is its URL.
import * as sg from 'simdgrad/slim';
import wasmUrl from 'simdgrad/simdgrad.wasm';
import { publish, trainXor } from '../train.js';

publish(() => sg.init({ wasm: wasmUrl }).then(() => trainXor(sg)));
