#!/usr/bin/env node
// Writes the Fashion-MNIST subset that ships with simdgrad: a seeded, class-balanced choice of
// 600 training and 100 test images per class, as gzipped IDX files with the original names.
//
//   node scripts/make-fashion-mnist-subset.mjs [source-dir] [out-dir]
//
// source-dir defaults to /usr/share/datasets/fashion-mnist (scripts/install-fashion-mnist.sh),
// out-dir to data/fashion-mnist-subset. The choice is fixed by SEED; the gzip bytes can differ
// between zlib versions, the decompressed files cannot.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const SEED = 20240611;
const CLASSES = 10;
const SPLITS = [
  { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte', perClass: 600 },
  { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte', perClass: 100 },
];

const root = fileURLToPath(new URL('..', import.meta.url));
const sourceDir = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
const outDir = process.argv[3] ?? join(root, 'data', 'fashion-mnist-subset');

const random = seededUniform(SEED);
mkdirSync(outDir, { recursive: true });
for (const split of SPLITS) {
  const images = readIdx(split.images);
  const labels = readIdx(split.labels);
  const chosen = balancedChoice(labels.data, split.perClass);
  const imageSize = images.dims[1] * images.dims[2];
  const pixels = new Uint8Array(chosen.length * imageSize);
  chosen.forEach((index, row) => pixels.set(images.data.subarray(index * imageSize, (index + 1) * imageSize), row * imageSize));
  writeIdx(split.images, [chosen.length, images.dims[1], images.dims[2]], pixels);
  writeIdx(split.labels, [chosen.length], Uint8Array.from(chosen, (index) => labels.data[index]));
  console.log(`${split.images}: ${chosen.length} of ${labels.dims[0]} images (${split.perClass} per class)`);
}

// perClass random samples of each class, kept in their original order so classes stay mixed.
function balancedChoice(labels, perClass) {
  const chosen = [];
  for (let label = 0; label < CLASSES; label++) {
    const members = [];
    labels.forEach((l, index) => l === label && members.push(index));
    if (members.length < perClass) throw new Error(`class ${label} has only ${members.length} samples, fewer than ${perClass}`);
    for (let i = 0; i < perClass; i++) {
      const j = i + Math.floor(random() * (members.length - i));
      [members[i], members[j]] = [members[j], members[i]];
    }
    chosen.push(...members.slice(0, perClass));
  }
  return chosen.sort((a, b) => a - b);
}

function readIdx(name) {
  const gz = join(sourceDir, `${name}.gz`);
  const bytes = existsSync(gz) ? gunzipSync(readFileSync(gz)) : readFileSync(join(sourceDir, name));
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) throw new Error(`${name}: not a uint8 IDX file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: bytes[3] }, (_, d) => view.getUint32(4 + 4 * d));
  return { dims, data: bytes.subarray(4 + 4 * dims.length) };
}

function writeIdx(name, dims, data) {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  const idx = new Uint8Array(header.length + data.length);
  idx.set(header);
  idx.set(data, header.length);
  writeFileSync(join(outDir, `${name}.gz`), gzipSync(idx, { level: 9 }));
}

function seededUniform(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}
