import { describe, expect, it } from 'vitest';
import { isSoftwareAdapter, SOFTWARE_RENDERER } from './adapters';

describe('software GPUs', () => {
  it('are recognised by what browsers and drivers call them', () => {
    for (const name of [
      'Google SwiftShader',
      'google swiftshader',
      'llvmpipe (LLVM 15.0.6, 256 bits)',
      'Microsoft Basic Render Driver',
      'softpipe',
    ])
      expect(SOFTWARE_RENDERER.test(name), name).toBe(true);
    for (const name of [
      'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060)',
      'Apple M1',
      'AMD Radeon Pro 5500M',
      'Intel(R) UHD Graphics 620',
      'Mali-G78',
    ])
      expect(SOFTWARE_RENDERER.test(name), name).toBe(false);
  });

  it("take the browser's word first, then the adapter's name", () => {
    expect(isSoftwareAdapter({ info: { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true } })).toBe(true);
    expect(isSoftwareAdapter({ isFallbackAdapter: true, info: { vendor: 'unknown' } })).toBe(true);
    expect(isSoftwareAdapter({ info: { vendor: 'mesa', description: 'llvmpipe' } })).toBe(true);
    expect(isSoftwareAdapter({ info: { vendor: 'nvidia', architecture: 'ampere', isFallbackAdapter: false } })).toBe(false);
  });
});
