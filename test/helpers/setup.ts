import { beforeAll } from 'vitest';
import { init } from 'simdgrad';

beforeAll(async () => {
  await init();
});
