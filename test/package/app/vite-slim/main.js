// Vite, 'simdgrad/slim': the kernels are a separate file, whose URL Vite gives with ?url.
import * as sg from 'simdgrad/slim';
import wasmUrl from 'simdgrad/simdgrad.wasm?url';
import { publish, trainXor } from '../train.js';

publish(() => sg.init({ wasm: wasmUrl }).then(() => trainXor(sg)));
