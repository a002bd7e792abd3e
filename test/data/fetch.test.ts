import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { data } from 'simdgrad';
import { repoRoot } from '../portability/harness/paths.js';
import { serveStatic, type StaticServer } from '../portability/harness/static-server.js';

const labels = data.encodeIdx({ shape: [4], data: new Uint8Array([3, 1, 4, 1]) });
const FILES: Record<string, Uint8Array> = {
  '/labels-idx1-ubyte': labels,
  '/labels-idx1-ubyte.gz': gzipSync(labels),
  '/not-idx.txt': new TextEncoder().encode('hello'),
};

describe('fetchIdx', () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      const body = FILES[request.url ?? ''];
      if (body) response.writeHead(200).end(body);
      else response.writeHead(404, 'Not Found').end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches and parses an IDX file, gzipped or raw', async () => {
    for (const path of ['/labels-idx1-ubyte', '/labels-idx1-ubyte.gz']) {
      const idx = await data.fetchIdx(`${origin}${path}`);
      expect(idx.shape).toEqual([4]);
      expect(Array.from(idx.data)).toEqual([3, 1, 4, 1]);
    }
  });

  it('names the URL and the status when the server refuses, and the URL when the body is not IDX', async () => {
    await expect(data.fetchIdx(`${origin}/missing`)).rejects.toThrow(
      `simdgrad: fetchIdx('${origin}/missing'): ${origin}/missing answered 404 Not Found; check the URL (a relative one resolves against the page, or the worker's script).`,
    );
    await expect(data.fetchIdx(`${origin}/not-idx.txt`)).rejects.toThrow(`simdgrad: fetchIdx('${origin}/not-idx.txt'): parseIdx: bad magic number 68 65 6c 6c;`);
  });

  it('names the URL when the request itself fails', async () => {
    await expect(data.fetchIdx('http://127.0.0.1:1/x')).rejects.toThrow(/^simdgrad: fetchIdx\('http:\/\/127\.0\.0\.1:1\/x'\): the request for http:\/\/127\.0\.0\.1:1\/x failed \(.+\); check the URL, that the server runs, and CORS for another origin\.$/);
  });
});

describe('fetchFashionMnist', () => {
  let server: StaticServer;
  beforeAll(async () => void (server = await serveStatic(repoRoot)));
  afterAll(() => server.close());

  it('fetches the four files of the committed subset from a folder URL', async () => {
    const dataset = await data.fetchFashionMnist(`${server.origin}data/fashion-mnist-subset`);
    expect(dataset.train.images.shape).toEqual([6000, 1, 28, 28]);
    expect(dataset.test.labels.length).toBe(1000);
    expect(dataset.classNames[9]).toBe('Ankle boot');
    dataset.train.images.dispose();
    dataset.test.images.dispose();
  });

  it('says which file is missing', async () => {
    const folder = `${server.origin}data/fashion-mnist-subset/`;
    const error = await data.fetchFashionMnist(folder, { gzip: false }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/answered 404 Not Found; check the URL/);
    expect((error as Error).message.startsWith(`simdgrad: fetchFashionMnist('${folder}'): ${folder}`)).toBe(true);
  });
});
