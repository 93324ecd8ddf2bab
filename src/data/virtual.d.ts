/** The MNIST manifest the build embeds in the page's code (build/mnist-assets.ts). */
declare module 'virtual:mnist-manifest' {
  import type { MnistManifest } from './manifest';
  const manifest: MnistManifest;
  export default manifest;
}
