// Saving and loading state dicts as bytes, and exporting models (imported as io); the file helpers are in 'simdgrad/node'.
export { encodeSafetensors, decodeSafetensors, type SafetensorsInput, type SafetensorsEntry, type SafetensorsTensor, type SafetensorsContents } from './safetensors.js';
export type { SafetensorsDtype, IntegerValues } from './safetensors-dtypes.js';
export { exportOnnx, type ExportOnnxOptions } from './onnx/export.js';
export { encodeTorchOptimizerState, decodeTorchOptimizerState } from './torch-optimizer-state.js';
