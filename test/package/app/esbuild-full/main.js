// esbuild, 'simdgrad': the kernels come inlined in the bundle; init() needs no options.
import * as sg from 'simdgrad';
import { publish, trainXor } from '../train.js';

publish(() => sg.init().then(() => trainXor(sg)));
