/**
 * Telling a software GPU (a CPU emulating one: correct, far slower than wasm) from real hardware,
 * the one definition for the worker, the benchmarks and the tests.
 */

/** Renderer and adapter names of software rasterisers: SwiftShader, Mesa's llvmpipe, Windows' Basic Render Driver. */
export const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

export interface AdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
}

/** The adapter in words: vendor, architecture and description, as the browser gives them. */
export const adapterName = (adapter: AdapterLike) =>
  [adapter.info?.vendor, adapter.info?.architecture, adapter.info?.description].filter(Boolean).join(' ') || 'unknown adapter';

/** Whether a WebGPU adapter is software: the browser says so (isFallbackAdapter), or its name does. */
export function isSoftwareAdapter(adapter: AdapterLike): boolean {
  return adapter.isFallbackAdapter === true || adapter.info?.isFallbackAdapter === true || SOFTWARE_RENDERER.test(adapterName(adapter));
}
