/**
 * The part-by-part start on the real page: the network's toggles read from a link and written back
 * to it, by keyboard; a bad pattern in a link named with a safe default; the research section
 * closed at first, its recorded sweeps fetched only when it is opened, drawn, and accessible.
 */
import { describe, expect, inject, it } from 'vitest';
import { axeViolations, chartTextProblems, chromiumForFile, openSection, ready } from './e2e/browser';

const appUrl = inject('appUrl');
const browser = chromiumForFile();

describe('which parts start from the teacher’s values', () => {
  it('reads the pattern from a link, switches a part by keyboard into the link, and opens the research section accessibly', async () => {
    // axe is injected as a script, which the page's own policy rightly forbids: this page alone bypasses it.
    const page = await browser().newPage({ viewport: { width: 1280, height: 1000 }, bypassCSP: true });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const fetched: string[] = [];
    page.on('request', (request) => fetched.push(request.url()));
    await page.goto(`${appUrl}?init=parts&shareParts=heads&backend=wasm`);
    await ready(page);

    const control = page.getByRole('group', { name: "Which parts start from the teacher's values?" });
    const part = (name: string) => control.getByRole('button', { name: new RegExp(`^${name} `) });
    const pressed = async () =>
      Object.fromEntries(
        await Promise.all(
          ['Hidden layer 1', 'Hidden layer 2', 'Digit head', 'Auxiliary head'].map(
            async (name) => [name, await part(name).getAttribute('aria-pressed')] as const,
          ),
        ),
      );
    expect(await pressed()).toEqual({
      'Hidden layer 1': 'false',
      'Hidden layer 2': 'false',
      'Digit head': 'true',
      'Auxiliary head': 'true',
    });

    // By keyboard: Space on the second hidden layer shares it, Enter on the auxiliary head draws it afresh.
    await part('Hidden layer 2').focus();
    await page.keyboard.press('Space');
    await expect.poll(() => new URL(page.url()).searchParams.get('shareParts')).toBe('hidden2+digits+aux');
    await part('Auxiliary head').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('shareParts')).toBe('hidden2+digits');
    expect(await pressed()).toEqual({
      'Hidden layer 1': 'false',
      'Hidden layer 2': 'true',
      'Digit head': 'true',
      'Auxiliary head': 'false',
    });
    expect(new URL(page.url()).searchParams.get('init')).toBe('parts');
    // The student is named by its pattern.
    expect(await page.getByTestId('will-train').textContent()).toMatch(/student, aux only, part-by-part init \(shared hidden2\+digits\)/);

    // The research section is closed at first, and its recorded sweeps are fetched only when it is opened.
    expect(await page.locator('details.section#research').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(fetched.filter((url) => /sweep-(which-parts|budget)/.test(url))).toEqual([]);
    await openSection(page, 'research');
    await expect.poll(() => page.getByTestId('which-parts-figure').getAttribute('data-rows')).toBe('8');
    await expect.poll(() => page.getByTestId('budget-figure').count()).toBe(2);
    expect(fetched.filter((url) => /sweep-(which-parts|budget)/.test(url)).length).toBe(3);
    // Its settings go into the link as every other does.
    await page.getByRole('combobox', { name: "student's loss" }).selectOption('mse');
    await expect.poll(() => new URL(page.url()).searchParams.get('studentLoss')).toBe('mse');

    expect(await axeViolations(page, '#research, .controls')).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws the which-parts figures with no text cut off or lying over other text, on a phone and on a laptop', async () => {
    for (const width of [390, 1366]) {
      const page = await browser().newPage({ viewport: { width, height: 900 } });
      await page.goto(`${appUrl}?init=parts&backend=wasm`);
      await openSection(page, 'research');
      await page.getByTestId('which-parts-figure').waitFor();
      await expect.poll(() => page.getByTestId('budget-figure').count()).toBe(2);
      const problems = await chartTextProblems(page);
      expect(
        problems.filter((p) => /^(which-parts|budget)-figure:/.test(p)),
        `${width} px`,
      ).toEqual([]);
      await page.close();
    }
  });

  it('names a bad pattern in a link and starts from the default one; a layer the network lacks is dropped, and said', async () => {
    const page = await browser().newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${appUrl}?init=parts&shareParts=hidden7&backend=wasm`);
    await expect
      .poll(() => page.getByTestId('config-notice').textContent())
      .toMatch(/shareParts = "hidden7" is invalid: "hidden7" is not a part; .*; using "heads"/);
    expect(await page.getByTestId('network-parts').getAttribute('data-pattern')).toBe('heads');
    await page.goto(`${appUrl}?init=parts&shareParts=hidden3%2Bdigits%2Baux&backend=wasm`);
    await expect
      .poll(() => page.getByTestId('config-notice').textContent())
      .toMatch(
        /shareParts = "hidden3\+digits\+aux" names hidden3, but a network of depth 2 has hidden layers up to hidden2; using "heads"/,
      );
    await page.close();
  });

  it('draws a hidden layer per layer of a deeper network, each a part of its own', async () => {
    const page = await browser().newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${appUrl}?init=parts&depth=3&shareParts=hidden3%2Bdigits%2Baux&backend=wasm`);
    await ready(page);
    const control = page.getByTestId('network-parts');
    expect(await control.getAttribute('data-pattern')).toBe('hidden3+digits+aux');
    expect(await control.locator('button[data-part]').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-part')))).toEqual([
      'hidden1',
      'hidden2',
      'hidden3',
      'digits',
      'aux',
    ]);
    await control.getByRole('button', { name: /^Hidden layer 1 / }).click();
    await control.getByRole('button', { name: /^Hidden layer 2 / }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('shareParts')).toBe('all');
    expect(new URL(page.url()).searchParams.get('depth')).toBe('3');
    await page.close();
  });
});
