// What `npm run bench` measures: every kernel family, called the way users call it (the public
// API of dist/simdgrad.js), each call inside tidy() so memory stays flat however often it runs.
//
// A case is { family, kernel, shape, work, prepare, derived? }: prepare() makes the operands and
// returns the function to time (so a --filter skips the set-up of what it leaves out); `derived`
// names a row computed as this case's time minus that of the case `minus` (same shape). `work` sizes one
// call for the throughput column: { flops } (multiplies and adds counted apart), { bytes } (a
// minimal-traffic model: each f32 tensor the computation needs read or written once) or
// { elements }. "fwd+bwd" cases run forward and backward from a fixed upstream gradient, and free
// the leaves' gradients after every call, so no accumulation is timed.

const F32 = 4;
const GEMM_SIZES = [128, 256, 512, 1024];
// The conv layers of W3 (LeNet, both) and W4 (VGG-mini, a 32-channel one), at their batch sizes.
const CONV_LAYERS = [
  { input: [64, 1, 28, 28], weight: [8, 1, 5, 5], padding: 2 },
  { input: [64, 8, 14, 14], weight: [16, 8, 5, 5], padding: 0 },
  { input: [32, 32, 32, 32], weight: [32, 32, 3, 3], padding: 1 },
];
const CROSS_ENTROPY_SHAPES = [[64, 10], [256, 1000]];
const ELEMENTS = 1 << 20;
const MATRIX = [1024, 1024];
// W3's LeNet: conv1, conv2, fc1, fc2, each weight then bias.
const LENET_PARAMETER_SHAPES = [[8, 1, 5, 5], [8], [16, 8, 5, 5], [16], [120, 400], [120], [10, 120], [10]];

/** Every case, in the order the table shows them. */
export function kernelCases(lib) {
  return [...gemmCases(lib), ...convCases(lib), ...poolCases(lib), ...crossEntropyCases(lib), ...optimizerCases(lib), ...elementwiseCases(lib)];
}

function gemmCases(lib) {
  const { F, matmul, randn, transpose } = lib;
  const layouts = [
    ['matmul NN  A·B', matmul],
    ['linear NT  A·Bᵀ', F.linear],
    ['matmul TN  transpose(A)·B', (a, b) => matmul(transpose(a), b)],
  ];
  return GEMM_SIZES.flatMap((n) =>
    layouts.map(([kernel, op]) => ({
      family: 'gemm',
      kernel,
      shape: `${n}x${n}x${n}`,
      work: { flops: 2 * n ** 3 },
      prepare: () => forward(lib, op, [randn([n, n]), randn([n, n])]),
    })),
  );
}

function convCases(lib) {
  const { F, ones, randn } = lib;
  return CONV_LAYERS.flatMap(({ input, weight, padding }) => {
    const [n, , h, w] = input;
    const [o, c, kh, kw] = weight;
    const output = [n, o, h + 2 * padding - kh + 1, w + 2 * padding - kw + 1];
    const flops = 2 * output.reduce((x, y) => x * y) * c * kh * kw;
    const conv = (x, k) => F.conv2d(x, k, null, { padding });
    const at = { family: 'conv2d', shape: `${dims(input)}*${dims(weight)}${padding ? ` pad ${padding}` : ''}` };
    return [
      { ...at, kernel: 'conv2d forward', work: { flops }, prepare: () => forward(lib, conv, [randn(input), randn(weight)]) },
      {
        ...at,
        kernel: 'conv2d fwd+bwd(input)',
        work: { flops: 2 * flops },
        derived: { kernel: '≈ conv2d backward-input', minus: 'conv2d forward', work: { flops } },
        prepare: () => forwardBackward(lib, conv, [randn(input, { requiresGrad: true }), randn(weight)], ones(output)),
      },
      {
        ...at,
        kernel: 'conv2d fwd+bwd(weight)',
        work: { flops: 2 * flops },
        derived: { kernel: '≈ conv2d backward-weight', minus: 'conv2d forward', work: { flops } },
        prepare: () => forwardBackward(lib, conv, [randn(input), randn(weight, { requiresGrad: true })], ones(output)),
      },
    ];
  });
}

// The pooling layers of W5 (LeNet inference: max pooling after each conv) and a 32-channel
// layer in training, with the 2x2 stride-2 window and, for the general path, ResNet's 3x3
// stride-2 window with padding 1.
const POOL_LAYERS = [
  { input: [64, 8, 28, 28], window: 2, train: false },
  { input: [64, 16, 10, 10], window: 2, train: false },
  { input: [32, 32, 32, 32], window: 2, train: true },
  { input: [32, 32, 32, 32], window: { kernelSize: 3, stride: 2, padding: 1 }, train: true },
];

// Forward reads the input and writes its pooled output; backward reads the output's gradient
// and writes the input's.
function poolCases(lib) {
  const { F, ones, randn } = lib;
  return POOL_LAYERS.flatMap(({ input, window, train }) => {
    const [n, c, h, w] = input;
    const { kernelSize, stride = kernelSize, padding = 0 } = typeof window === 'number' ? { kernelSize: window } : window;
    const output = [n, c, Math.floor((h + 2 * padding - kernelSize) / stride) + 1, Math.floor((w + 2 * padding - kernelSize) / stride) + 1];
    const bytes = F32 * (size(input) + size(output));
    const shape = `${dims(input)} kernel ${kernelSize}${stride === kernelSize ? '' : ` stride ${stride}`}${padding ? ` pad ${padding}` : ''}`;
    return [
      ['maxPool2d', (x) => F.maxPool2d(x, window)],
      ['avgPool2d', (x) => F.avgPool2d(x, window)],
    ].flatMap(([name, pool]) => [
      { family: 'pool', kernel: `${name} forward`, shape, work: { bytes }, prepare: () => forward(lib, pool, [randn(input)]) },
      ...(train
        ? [{
            family: 'pool',
            kernel: `${name} fwd+bwd`,
            shape,
            work: { bytes: 2 * bytes },
            derived: { kernel: `≈ ${name} backward`, minus: `${name} forward`, work: { bytes } },
            prepare: () => forwardBackward(lib, pool, [randn(input, { requiresGrad: true })], ones(output)),
          }]
        : []),
    ]);
  });
}

function crossEntropyCases(lib) {
  const { F, randn } = lib;
  return CROSS_ENTROPY_SHAPES.flatMap(([rows, classes]) => {
    const targets = Int32Array.from({ length: rows }, (_, i) => (i * 7) % classes);
    const loss = (logits) => F.crossEntropy(logits, targets);
    const at = { family: 'loss', shape: dims([rows, classes]), work: { elements: rows * classes } };
    return [
      { ...at, kernel: 'crossEntropy forward', prepare: () => forward(lib, loss, [randn([rows, classes])]) },
      { ...at, kernel: 'crossEntropy fwd+bwd', prepare: () => forwardBackward(lib, loss, [randn([rows, classes], { requiresGrad: true })]) },
    ];
  });
}

// One step over the parameters of W2's MLP (784-256-128-10), their gradients already in place.
// Adam reads parameter, gradient and both moments and writes parameter and moments; SGD with
// momentum has one buffer. W3's LeNet has eight tensors for a quarter of the parameters, so the
// per-tensor host overhead weighs most there (still a few percent of the step).
function optimizerCases(lib) {
  const { nn, optim, randn, tidy } = lib;
  const mlpModel = () => new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const mlp = () => mlpModel().parameters();
  const lenet = () => LENET_PARAMETER_SHAPES.map((shape) => randn(shape, { requiresGrad: true }));
  const stepper = (makeParams, makeOptimizer) => () => {
    const params = makeParams();
    for (const p of params) p.grad = randn(p.shape, { std: 1e-3 });
    const optimizer = makeOptimizer(params);
    return () => tidy(() => optimizer.step());
  };
  const adam = (params) => new optim.Adam(params, { lr: 1e-3 });
  const sgd = (params) => new optim.SGD(params, { lr: 1e-3, momentum: 0.9 });
  const sizer = mlpModel();
  const mlpCount = sizer.numParameters();
  sizer.dispose();
  const lenetCount = LENET_PARAMETER_SHAPES.reduce((total, shape) => total + shape.reduce((a, b) => a * b, 1), 0);
  const mlpShape = `W2 MLP, ${mlpCount} params`;
  const lenetShape = `W3 LeNet, ${LENET_PARAMETER_SHAPES.length} tensors, ${lenetCount} params`;
  return [
    { family: 'optim', kernel: 'Adam step', shape: mlpShape, work: { bytes: 7 * F32 * mlpCount }, prepare: stepper(mlp, adam) },
    { family: 'optim', kernel: 'SGD momentum step', shape: mlpShape, work: { bytes: 5 * F32 * mlpCount }, prepare: stepper(mlp, sgd) },
    { family: 'optim', kernel: 'Adam step', shape: lenetShape, work: { bytes: 7 * F32 * lenetCount }, prepare: stepper(lenet, adam) },
  ];
}

// relu's backward reads the upstream gradient and the input and writes the input's gradient;
// a broadcast add's backward passes the upstream gradient on to the matrix as is and sums it
// over the rows for the bias (one read).
function elementwiseCases(lib) {
  const { add, ones, randn, relu } = lib;
  const bytes = F32 * ELEMENTS;
  const vector = dims([ELEMENTS]);
  const bias = [MATRIX[1]];
  const broadcast = `${dims(MATRIX)}+${dims(bias)}`;
  const at = { family: 'elementwise' };
  return [
    { ...at, kernel: 'relu forward', shape: vector, work: { bytes: 2 * bytes }, prepare: () => forward(lib, relu, [randn([ELEMENTS])]) },
    { ...at, kernel: 'relu fwd+bwd', shape: vector, work: { bytes: 5 * bytes }, prepare: () => forwardBackward(lib, relu, [randn([ELEMENTS], { requiresGrad: true })], ones([ELEMENTS])) },
    { ...at, kernel: 'add forward', shape: `${vector}+${vector}`, work: { bytes: 3 * bytes }, prepare: () => forward(lib, add, [randn([ELEMENTS]), randn([ELEMENTS])]) },
    { ...at, kernel: 'add forward (broadcast)', shape: broadcast, work: { bytes: 2 * bytes }, prepare: () => forward(lib, add, [randn(MATRIX), randn(bias)]) },
    {
      ...at,
      kernel: 'add fwd+bwd (broadcast)',
      shape: broadcast,
      work: { bytes: 3 * bytes },
      prepare: () => forwardBackward(lib, add, [randn(MATRIX, { requiresGrad: true }), randn(bias, { requiresGrad: true })], ones(MATRIX)),
    },
  ];
}

function forward({ tidy }, op, inputs) {
  return () => tidy(() => void op(...inputs));
}

// Backward from `upstream`, or from the output itself when it is a scalar loss.
function forwardBackward({ tidy }, op, inputs, upstream) {
  const leaves = inputs.filter((t) => t.requiresGrad);
  return () => {
    tidy(() => op(...inputs).backward(upstream));
    for (const leaf of leaves) {
      leaf.grad.dispose();
      leaf.grad = null;
    }
  };
}

function size(shape) {
  return shape.reduce((a, b) => a * b, 1);
}

function dims(shape) {
  return `[${shape.join(',')}]`;
}
