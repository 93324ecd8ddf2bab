/**
 * WebGPU in Node for the GPU benchmark: the `webgpu` npm package (Dawn, the WebGPU
 * implementation inside Chrome, built for Node). It is installed on demand into
 * node_modules/.cache/bench-webgpu, not as a dependency of the app.
 *
 * Without a GPU, Dawn can run on SwiftShader (a CPU Vulkan): Debian's chromium package ships its
 * Vulkan driver and loader, which `dawnEnvironment` points the process at. Slow, but it makes the
 * same WebGPU calls, so dispatches, buffers and submits can be counted on any machine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const DAWN_VERSION = '0.6.2';
const PREFIX = resolve('node_modules/.cache/bench-webgpu');
const CHROMIUM_DIR = '/usr/lib/chromium';
const SWIFTSHADER_ICD = join(CHROMIUM_DIR, 'vk_swiftshader_icd.json');

/** Installs the `webgpu` package into the bench's own prefix unless it is there already. */
export function ensureDawnInstalled(): void {
  if (existsSync(join(PREFIX, 'node_modules/webgpu/package.json'))) return;
  process.stderr.write(`Installing webgpu@${DAWN_VERSION} (Dawn for Node) into ${PREFIX} …\n`);
  execFileSync('npm', ['install', '--prefix', PREFIX, '--no-save', '--no-audit', '--no-fund', `webgpu@${DAWN_VERSION}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

function hasSystemVulkan(): boolean {
  try {
    return /libvulkan\.so\.1\b/.test(execFileSync('ldconfig', ['-p'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
}

/**
 * The environment a Dawn process needs: the system's Vulkan loader when there is one, else
 * Chromium's. `software` forces the SwiftShader driver (for counting on a machine without a GPU).
 */
export function dawnEnvironment(software: boolean): NodeJS.ProcessEnv {
  const env = { ...process.env };
  const chromiumVulkan = existsSync(join(CHROMIUM_DIR, 'libvulkan.so.1'));
  if (!hasSystemVulkan() && chromiumVulkan) env.LD_LIBRARY_PATH = [CHROMIUM_DIR, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  if (software && existsSync(SWIFTSHADER_ICD)) env.VK_ICD_FILENAMES = env.VK_DRIVER_FILES = SWIFTSHADER_ICD;
  return env;
}

/**
 * Gives this process a `navigator.gpu` from Dawn. Call before tfjs-backend-webgpu (or jax-js)
 * is evaluated: import them dynamically afterwards.
 */
export function installDawn(): void {
  const require = createRequire(join(PREFIX, 'index.js'));
  const { create, globals } = require('webgpu') as { create(flags: string[]): unknown; globals: Record<string, unknown> };
  Object.assign(globalThis, globals);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]), userAgent: 'node' }, configurable: true });
}
