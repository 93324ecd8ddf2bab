/**
 * The atlas on the real page: closed at first and its recorded sweeps fetched only when it is
 * opened; every figure drawn with all its values, both students at each, accessibly, with no text
 * cut off or lying over other text on a phone and on a laptop; a visitor's own sweep over a setting
 * it draws drawn the same way, and one over another setting refused with the reason.
 */
import { describe, expect, inject, it } from 'vitest';
import { axeViolations, chartTextProblems, chromiumForFile, openSection, screenshot } from './e2e/browser';

const appUrl = inject('appUrl');
const browser = chromiumForFile();

/** Each recorded figure's values: every one has both students. */
const FIGURES = { 'atlas-width': 7, 'atlas-noise': 5, 'atlas-depth': 4 };

describe('the atlas: what else decides it?', () => {
  it('opens on request, draws every recorded figure whole, accessibly, and a visitor’s own sweep', async () => {
    // axe is injected as a script, which the page's own policy rightly forbids: this page alone bypasses it.
    const page = await browser().newPage({ viewport: { width: 1280, height: 1000 }, bypassCSP: true });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const fetched: string[] = [];
    page.on('request', (request) => fetched.push(request.url()));
    await page.goto(`${appUrl}?backend=wasm`);
    await page.locator('details.section#atlas').waitFor({ state: 'attached' });

    expect(await page.locator('details.section#atlas').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(fetched.filter((url) => /sweep-atlas|\/Atlas-/.test(url))).toEqual([]);
    await openSection(page, 'atlas');
    for (const [id, values] of Object.entries(FIGURES)) {
      const figure = page.getByTestId(id).getByTestId('atlas-figure');
      await expect.poll(() => figure.getAttribute('data-values'), { timeout: 30_000 }).toBe(String(values));
      expect(await figure.getAttribute('data-points')).toBe(String(2 * values));
      expect(await page.getByTestId(id).locator('.atlas-sentence').textContent()).toMatch(/\d+\.\d%/);
    }
    expect(fetched.filter((url) => /sweep-atlas-(width|noise|blur)/.test(url)).length).toBe(3);

    expect(await axeViolations(page, '#atlas')).toEqual([]);

    // A sweep of one's own over a setting the atlas draws is drawn as the atlas draws it.
    await page.getByTestId('atlas-open-file').setInputFiles('docs/results/sweep-atlas-blur.json');
    const opened = page.getByTestId('atlas-open-figure').getByTestId('atlas-figure');
    await opened.waitFor();
    expect(await opened.getAttribute('data-values')).toBe('3');
    expect(await opened.getAttribute('data-points')).toBe('6');
    // One over another setting says what the atlas draws.
    await page.getByTestId('atlas-open-file').setInputFiles('docs/results/sweep-aux-logits.json');
    await expect
      .poll(() => page.getByTestId('atlas-open').getByRole('alert').textContent())
      .toMatch(/sweep-aux-logits\.json: this sweep varies m; the atlas draws a sweep over one of hidden, noise, noiseBlur, depth/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws the atlas with no text cut off or lying over other text, on a phone and on a laptop', async () => {
    for (const width of [390, 1366]) {
      const page = await browser().newPage({ viewport: { width, height: 900 } });
      await page.goto(`${appUrl}?backend=wasm`);
      await openSection(page, 'atlas');
      await expect.poll(() => page.getByTestId('atlas-figure').count(), { timeout: 30_000 }).toBe(Object.keys(FIGURES).length);
      const problems = await chartTextProblems(page);
      expect(
        problems.filter((p) => p.startsWith('atlas-figure:')),
        `${width} px`,
      ).toEqual([]);
      await page.locator('details.section#atlas').scrollIntoViewIfNeeded();
      await screenshot(page, `atlas-${width}`);
      await page.close();
    }
  });
});
