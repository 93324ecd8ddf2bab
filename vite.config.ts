import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { mnistAssets, mnistManifestModule } from './build/mnist-assets';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from './build/security';
import { serviceWorker } from './build/service-worker';

export default defineConfig({
  // Relative base: the static build works from any host and any sub-path.
  base: './',
  plugins: [
    react(),
    mnistAssets(),
    mnistManifestModule(),
    serviceWorker(),
    {
      // The policy as a <meta>, for static hosts that send no headers (the dev server's HMR needs inline scripts, so only the build).
      name: 'content-security-policy',
      apply: 'build',
      transformIndexHtml: () => [
        { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
      ],
    },
  ],
  worker: { format: 'es', plugins: () => [mnistManifestModule()] },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  server: { port: 5173 },
  preview: { port: 4173, headers: SECURITY_HEADERS },
});
