// `deno run [permissions] load-fashion-mnist.mjs`: loads Fashion-MNIST through dist/node.js and
// prints one line of JSON, what it loaded or the error's message.
import { init } from '../../../dist/simdgrad.js';
import { loadFashionMnist } from '../../../dist/node.js';

await init();
try {
  const data = await loadFashionMnist({ source: 'subset' });
  console.log(JSON.stringify({ source: data.source, trainImages: data.train.images.shape, testLabels: data.test.labels.length }));
} catch (error) {
  console.log(JSON.stringify({ error: error.message }));
}
