import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { mnistAssets } from './build/mnist-assets';

export default defineConfig({
  // Relative base: the static build works from any host and any sub-path.
  base: './',
  plugins: [react(), mnistAssets()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  server: { port: 5173 },
  preview: { port: 4173 },
});
