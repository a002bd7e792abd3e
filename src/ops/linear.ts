import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { formatShape } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { reluGradient } from './fused-relu.js';
import { checkOptionalTensor, checkTensor } from '../check-args.js';

/** y = x W^T + b, as torch.nn.functional.linear: x [..., in], weight [out, in], bias [out]. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  return linearOp(x, weight, bias ?? null, false);
}

/**
 * @internal relu(x W^T + b) with the bias and the ReLU applied as the GEMM stores each tile:
 * what Sequential runs for Linear followed by ReLU.
 */
export function linearRelu(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  return linearOp(x, weight, bias, true);
}

function linearOp(x: Tensor, weight: Tensor, bias: Tensor | null, relu: boolean): Tensor {
  checkLinearShapes(x, weight, bias);
  const [outFeatures, inFeatures] = weight.shape as [number, number];
  const rows = x.size / inFeatures;
  const y = Tensor.empty([...x.shape.slice(0, -1), outFeatures]);
  const k = kernels();
  k.gemmBiasRelu(0, 1, rows, outFeatures, inFeatures, x.ptr, weight.ptr, y.ptr, bias ? bias.ptr : 0, 0, relu ? 1 : 0);
  return record(y, {
    op: relu ? 'linearRelu' : 'linear',
    inputs: [x, weight, bias],
    saved: relu ? [x, weight, y] : [x, weight],
    backward: (upstream, [sx, sw, sy]) => {
      const g = relu ? reluGradient(sy!, upstream) : upstream;
      const gx = x.requiresGrad ? Tensor.empty(x.shape) : null;
      const gw = weight.requiresGrad ? Tensor.empty(weight.shape) : null;
      const gb = bias?.requiresGrad ? Tensor.empty(bias.shape) : null;
      if (gx) k.gemm(0, 0, rows, inFeatures, outFeatures, g.ptr, sw!.ptr, gx.ptr, 0);
      if (gw) k.gemm(1, 0, outFeatures, inFeatures, rows, g.ptr, sx!.ptr, gw.ptr, 0);
      if (gb) k.sumAxisForward(g.ptr, gb.ptr, 1, rows, outFeatures);
      if (g !== upstream) g.dispose();
      return [gx, gw, gb];
    },
  });
}

function checkLinearShapes(x: Tensor, weight: Tensor, bias: Tensor | null): void {
  checkTensor('linear', 'input', x);
  checkTensor('linear', 'weight', weight);
  checkOptionalTensor('linear', 'bias', bias);
  if (weight.ndim !== 2) throw new Error(`simdgrad: linear: weight must be 2-D [out, in], got ${formatShape(weight.shape)}.`);
  const inFeatures = weight.shape[1]!;
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inFeatures) {
    throw new Error(`simdgrad: linear: input ${formatShape(x.shape)} does not match weight ${formatShape(weight.shape)}: the input's last dimension must be ${inFeatures} (in_features).`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new Error(`simdgrad: linear: bias ${formatShape(bias.shape)} must be [${weight.shape[0]}] (out_features of weight ${formatShape(weight.shape)}).`);
  }
}
