/**
 * WebGPU in Node: Dawn (the WebGPU implementation inside Chrome) from the `webgpu` package, an
 * optional dependency. One setup for the CLI, the benchmarks and the tests.
 *
 * Dawn opens the system's Vulkan loader (libvulkan.so.1; with it moved away, no adapter) and needs
 * a driver: the machine's (a GPU's ICD file in the usual places), or else the SwiftShader driver
 * (a CPU emulating a GPU) that Debian's chromium package ships. The loader reads its driver list
 * from the environment whenever an instance is created, so the fallback is chosen here, in this
 * process, with nothing for the user to set: slow, but the same WebGPU calls and kernels a GPU gets.
 */
/// <reference types="@webgpu/types" />
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { adapterName, isSoftwareAdapter } from '../protocol/adapters';

export const DAWN_PACKAGE = 'webgpu@0.6.2';
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Why WebGPU cannot run in this process, in words that say what to do instead. */
export class DawnUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DawnUnavailable';
  }
}

export interface DawnAdapter {
  /** Software (a fallback adapter, or a software rasteriser by name): correct, and a CPU's speed. */
  software: boolean;
  /** The adapter in words, for a receipt. */
  name: string;
}

interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

let installed: DawnAdapter | null = null;

async function loadDawn(): Promise<DawnModule> {
  try {
    return (await import('webgpu')) as unknown as DawnModule;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ERR_MODULE_NOT_FOUND'
        ? 'the webgpu package (Dawn for Node) is not installed'
        : `the webgpu package (Dawn for Node) does not load here (${(error as Error).message.split('\n')[0]})`;
    throw new DawnUnavailable(`${why}: install it with npm install ${DAWN_PACKAGE}, or use --backend wasm`);
  }
}

const driverChosen = () => Boolean(process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES);

/** Where Vulkan drivers register themselves (a file each); none there, no GPU driver to find. */
const DRIVER_FOLDERS = ['/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/etc/vulkan/icd.d'];
const driversRegistered = () => DRIVER_FOLDERS.some((dir) => existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.json')));

/** Where distributions put the Vulkan loader (libvulkan.so.1), which Dawn opens to find any driver. */
const LOADER_FOLDERS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'];
const loaderFound = () => process.platform !== 'linux' || LOADER_FOLDERS.some((dir) => existsSync(`${dir}/libvulkan.so.1`));

function pointAtSwiftShader(): boolean {
  if (!existsSync(SWIFTSHADER_ICD)) return false;
  process.env.VK_ICD_FILENAMES = process.env.VK_DRIVER_FILES = SWIFTSHADER_ICD;
  return true;
}

/**
 * Gives this process a `navigator.gpu` from Dawn and returns its adapter. Call it before
 * tfjs-backend-webgpu (or jax-js) is evaluated, and import those dynamically afterwards: the
 * backend registers itself only where `navigator.gpu` exists when it loads. `software` asks for
 * SwiftShader even where a GPU's driver is present. Throws DawnUnavailable within a second or
 * two when there is no package or no adapter.
 */
export async function installDawn({ software = false }: { software?: boolean } = {}): Promise<DawnAdapter> {
  if (installed) return installed;
  const dawn = await loadDawn();
  // Vulkan drivers look for a display server's sockets there, and print an error where it is unset (a
  // server's shell, a container); a compute-only process has none to find, so any folder quiets them.
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
  if (software && !pointAtSwiftShader())
    throw new DawnUnavailable(`no software Vulkan driver at ${SWIFTSHADER_ICD} (Debian: apt-get install chromium)`);
  // Straight to SwiftShader where no driver is registered: asking first only prints the loader's warnings.
  if (!software && !driverChosen() && !driversRegistered()) pointAtSwiftShader();
  let gpu = dawn.create([]);
  let adapter = await gpu.requestAdapter();
  // No GPU driver found: the loader rereads the driver list for a new instance.
  if (!adapter && !driverChosen() && pointAtSwiftShader()) {
    gpu = dawn.create([]);
    adapter = await gpu.requestAdapter();
  }
  if (!adapter)
    throw new DawnUnavailable(
      loaderFound()
        ? 'no WebGPU adapter: Dawn found no Vulkan driver. Install the GPU’s Vulkan driver (or, for a software one, ' +
            `Debian’s chromium, whose SwiftShader driver is at ${SWIFTSHADER_ICD}), or use --backend wasm`
        : 'no WebGPU adapter: Dawn found no Vulkan loader (libvulkan.so.1) to open a driver with. Install it ' +
            '(Debian: apt-get install libvulkan1) and the GPU’s Vulkan driver (or, for a software one, Debian’s chromium), or use --backend wasm',
    );
  Object.assign(globalThis, dawn.globals);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu, userAgent: `node ${process.version}` }, configurable: true });
  installed = {
    software: isSoftwareAdapter(adapter),
    name: adapterName(adapter),
  };
  return installed;
}

/** The adapter for a receipt: "WebGPU adapter google swiftshader SwiftShader driver 5.0.0 (fallback adapter: software)". */
export const adapterText = (adapter: DawnAdapter) =>
  `WebGPU adapter ${adapter.name}${adapter.software ? ' (fallback adapter: software, a CPU’s speed)' : ''}`;
