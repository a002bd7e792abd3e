// webpack, 'simdgrad/slim': the kernels are a separate file, emitted by an asset/resource rule
// for .wasm, whose import is its URL.
import * as sg from 'simdgrad/slim';
import wasmUrl from 'simdgrad/simdgrad.wasm';
import { publish, trainXor } from '../train.js';

publish(() => sg.init({ wasm: wasmUrl }).then(() => trainXor(sg)));
