/** Debian's Chromium driven by playwright-core (never a downloaded browser), with the flags this project needs. */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('Chromium not found: install it with `apt-get install -y chromium` (or set CHROMIUM_PATH).');
  }
}

export async function launch({ webgpu = false } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--enable-unsafe-swiftshader',
      ...(webgpu ? ['--enable-unsafe-webgpu'] : []),
    ],
  });
}

export interface Watched {
  page: Page;
  errors: string[];
  /** Requests to any origin other than the app's own. */
  foreignRequests: string[];
}

export async function openPage(browser: Browser, url: string): Promise<Watched> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  const origin = new URL(url).origin;
  const errors: string[] = [];
  const foreignRequests: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // Any Content-Security-Policy violation, in the page or its workers, fails the test that opened it.
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`)),
  );
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('request', (request) => {
    const target = request.url();
    if (!target.startsWith(origin) && !target.startsWith('data:') && !target.startsWith('blob:')) foreignRequests.push(target);
  });
  await page.goto(url);
  return { page, errors, foreignRequests };
}

export const ARTIFACTS = 'test-results';

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A run small enough to finish in seconds on any backend: every setting, in the URL. */
export const TINY_QUERY =
  'seed=1&seeds=2&m=3&hidden=32&teacherEpochs=1&studentEpochs=1&lr=0.001&batchSize=128&trainCount=1024&noiseCount=512&testCount=500&init=both&distill=aux&evalEvery=2&logEvery=2';

/** A run of about ten seconds on wasm, for watching it while it trains. */
export const LONG_QUERY = TINY_QUERY.replace('hidden=32', 'hidden=256')
  .replace('batchSize=128', 'batchSize=256')
  .replace('trainCount=1024', 'trainCount=60000');
