import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Chromium } from '../portability/harness/chromium.js';
import { repoRoot, requireBuiltBundle } from '../portability/harness/paths.js';
import { serveStatic, type StaticServer } from '../portability/harness/static-server.js';
import { loadCorpus, tokenize } from '../../examples/lib/text-corpus.mjs';
import { buildPage, inkedPixels, waitForState, watchProblems } from './harness.js';

const ARTIFACTS = join(repoRoot, 'test-results');

/** The number at the start of `text`, as the status shows bits per character ('3.142 bits per character'). */
const leadingNumber = (text: string | null) => Number(/^(\d+\.\d+) bits per character$/.exec(text ?? '')?.[1] ?? NaN);

// The page's Text tab, built and served statically: the character transformer learns the fortune
// files in the page's worker, which fetches them from the page's server.
describe('the Text tab of the training page (web/)', () => {
  let page: Awaited<ReturnType<typeof buildPage>>;
  let server: StaticServer;
  let browser: Chromium;
  let alphabet: Set<string>;
  beforeAll(async () => {
    requireBuiltBundle();
    page = await buildPage();
    [server, browser] = await Promise.all([serveStatic(page.dir), launchChromium()]);
    alphabet = new Set(tokenize((await loadCorpus()).text).chars);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    page?.remove();
  });

  it('switches to Text, trains the default transformer for a few seconds: the validation bits per character shown fall and sampled text from the corpus alphabet appears', async () => {
    const tab = await browser.context.newPage();
    await tab.setViewportSize({ width: 1280, height: 1000 });
    const problems = watchProblems(tab);
    const samples = () => tab.$$eval('#samples li', (items) => items.map((li) => ({ epoch: Number((li as HTMLElement).dataset.epoch), text: li.querySelector('pre')!.textContent! })));
    try {
      await tab.goto(`${server.origin}index.html`);
      await waitForState(tab, 'ready');
      expect(await tab.isVisible('#lossChart')).toBe(true);
      expect(await tab.isVisible('#bitsChart')).toBe(false);

      await tab.click('#textTab');
      expect(await tab.getAttribute('#textTab', 'aria-selected')).toBe('true');
      expect(await tab.isVisible('#bitsChart')).toBe(true);
      expect(await tab.isVisible('#lossChart')).toBe(false);
      expect(await tab.isVisible('#download')).toBe(false);
      expect(await tab.inputValue('#textModel')).toBe('small');

      await tab.click('#start');
      expect(await tab.isDisabled('#imagesTab')).toBe(true); // one worker, one job: no switching while it trains
      // Epoch 0 is the untrained model, about uniform over the characters.
      await tab.waitForFunction(() => document.querySelectorAll('#samples li').length >= 1, null, { timeout: 30_000 });
      const untrained = leadingNumber(await tab.textContent('#bits'));
      expect(untrained).toBeGreaterThan(Math.log2(alphabet.size) - 1);
      expect(await tab.textContent('#dataInfo')).toMatch(/^[\d,]+ characters of fortunes, \d+ distinct; the last 10 % validates$/);
      expect(await tab.textContent('#parameters')).toBe('113,496 (context 32 characters)');

      await tab.waitForFunction(() => document.querySelectorAll('#samples li').length >= 3, null, { timeout: 60_000 });
      const trained = leadingNumber(await tab.textContent('#bits'));
      console.log(`char transformer in Chromium: ${await tab.textContent('#speed')}; validation ${untrained} -> ${trained} bits per character`);
      expect(trained).toBeLessThan(untrained - 1);
      expect(await tab.textContent('#speed')).toMatch(/^[\d,]+ tokens\/s/);

      const written = await samples();
      expect(written.map((s) => s.epoch).slice(-3)).toEqual([2, 1, 0]); // newest first
      for (const { text } of written) {
        expect(text).toHaveLength(200);
        expect([...text].filter((c) => !alphabet.has(c))).toEqual([]);
      }
      console.log(`after epoch ${written[0]!.epoch}: ${JSON.stringify(written[0]!.text)}`);
      // the chart drew the training curve and the validation points
      expect(await inkedPixels(tab, '#bitsChart canvas')).toBeGreaterThan(200);
      mkdirSync(ARTIFACTS, { recursive: true });
      await tab.screenshot({ path: join(ARTIFACTS, 'web-text-tab.png'), fullPage: true });

      await tab.click('#pause');
      await waitForState(tab, 'paused');
      const pausedAt = (await samples()).length;
      await tab.waitForTimeout(500);
      expect((await samples()).length).toBe(pausedAt);
      await tab.click('#reset');
      await waitForState(tab, 'ready');
      expect(await tab.locator('#samples li').count()).toBe(0);
      expect(await tab.isEnabled('#imagesTab')).toBe(true);
      expect(await tab.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true); // nothing sticks out sideways
      expect(problems).toEqual([]);
    } finally {
      await tab.close();
    }
  });

  it('opens on the Text tab and trains to the end from ?tab=text&autostart=1 with the tiny transformer, then the Images tab still trains', async () => {
    const tab = await browser.context.newPage();
    const problems = watchProblems(tab);
    try {
      await tab.goto(`${server.origin}index.html?tab=text&autostart=1&textModel=tiny&textEpochs=2&stepsPerEpoch=10`);
      await waitForState(tab, 'done', 60_000);
      expect(await tab.textContent('#final')).toMatch(/^validation \d\.\d\d bits per character$/);
      expect(await tab.locator('#samples li').count()).toBe(3);

      await tab.click('#imagesTab');
      expect(await tab.isVisible('#lossChart')).toBe(true);
      expect(await tab.textContent('#dataInfo')).toBe('6,000 training, 1,000 validation images');
      await tab.selectOption('#model', 'mlp');
      await tab.fill('#epochs', '1');
      await tab.click('#start');
      await waitForState(tab, 'done', 60_000);
      expect(await tab.textContent('#final')).toMatch(/^validation accuracy \d+\.\d %$/);
      expect(problems).toEqual([]);
    } finally {
      await tab.close();
    }
  });
});
