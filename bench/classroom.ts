/**
 * `npm run bench:classroom`: the default link's classroom run in headless Chromium, as a user
 * runs it (click Run, wait), a few times: wall time, frames drawn per second while training, how
 * far the page's ETA was from the real remaining time, and the results read from the page's own
 * JSON export. `npm run bench:classroom -- '?teacherTrait=favourite'` times another link the same way.
 */
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { preview } from 'vite';
import type { Condition } from '../src/protocol/conditions';
import { parseExport } from '../src/protocol/export';
import { launch } from '../tests/e2e/chromium';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const server = await preview({ preview: { port: 0, host: '127.0.0.1' }, logLevel: 'silent' });
const { port } = server.httpServer.address() as AddressInfo;
const query = process.argv.slice(2).find((a) => a.startsWith('?')) ?? '';
const url = `http://127.0.0.1:${port}/${query}`;
const browser = await launch();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (let round = 1; round <= ROUNDS; round++) {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await page.goto(url);
  await page.waitForSelector('[data-testid=backend-badge]', { timeout: 120_000 });
  // The page trains in one worker per core on a CPU backend; wait until they are all up, as a user who reads the badge would.
  await page.waitForTimeout(3000);
  const workers = await page.getAttribute('[data-testid=backend-badge]', 'data-workers');
  const started = Date.now();
  await page.getByRole('button', { name: '▶ Run' }).click();
  // Frames the page draws while it trains (the target is ≥ 50 per second: the main thread only renders).
  // (A string, not a function: tsx names inner functions with a helper the page does not have.)
  const fps = page.waitForTimeout(2000).then(() =>
    page.evaluate<number>(`new Promise((resolve) => {
      const stamps = [];
      const tick = (t) => {
        stamps.push(t);
        if (t - stamps[0] < 3000) requestAnimationFrame(tick);
        else resolve((1000 * (stamps.length - 1)) / (t - stamps[0]));
      };
      requestAnimationFrame(tick);
    })`),
  );
  const samples: { t: number; fraction: number; eta: number }[] = [];
  while ((await page.getAttribute('[data-testid=run-progress]', 'data-state').catch(() => null)) !== 'finished') {
    const text = (await page.textContent('[data-testid=run-progress]').catch(() => '')) ?? '';
    const steps = /(\d+)\/(\d+) steps/.exec(text);
    const eta = /about (?:(\d+) min )?(\d+) s left/.exec(text);
    if (steps && eta)
      samples.push({ t: (Date.now() - started) / 1000, fraction: +steps[1] / +steps[2], eta: Number(eta[1] ?? 0) * 60 + Number(eta[2]) });
    await page.waitForTimeout(250);
  }
  const wall = (Date.now() - started) / 1000;
  // The ETA is shown in whole seconds: judge it from 10% of the run until its last 3 seconds.
  const errors = samples.filter((s) => s.fraction >= 0.1 && wall - s.t > 3).map((s) => Math.abs(s.eta - (wall - s.t)) / (wall - s.t));
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-json').click()]);
  const result = parseExport((await readFile((await download.path())!)).toString('utf8'));
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const models = (Object.keys(result.summary) as Condition[])
    .filter((c) => c !== 'reference')
    .map((c) => {
      const favourite = result.favouriteSummary?.[c];
      return `${c} ${pct(result.summary[c]!.mean)}${favourite ? ` (favourite ${pct(favourite.mean)})` : ''}`;
    });
  console.log(
    `round ${round}: ${wall.toFixed(1)} s wall on ${result.backend} × ${workers} worker(s), ${(await fps).toFixed(0)} frames/s while training; ETA error max ${(100 * Math.max(...errors)).toFixed(0)}%, median ${(100 * median(errors)).toFixed(0)}% (${errors.length} readings); ` +
      models.join(', '),
  );
  await page.close();
}
await browser.close();
server.httpServer.close();
