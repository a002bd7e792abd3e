// Saving and loading state dicts as bytes (imported as io); the file helpers are in 'simdgrad/node'.
export { encodeSafetensors, decodeSafetensors, type SafetensorsInput, type SafetensorsContents } from './safetensors.js';
