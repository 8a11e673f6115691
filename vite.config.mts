import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Vite build of the renderer: served by the station from dist/renderer and loaded by Electron from file://. */
export default defineConfig({
  root: `${here}src-renderer`,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${here}dist/renderer`,
    emptyOutDir: true,
    sourcemap: true,
    // Inline nothing: the CSP (default-src 'self') refuses data: scripts and fonts.
    assetsInlineLimit: 0,
  },
  server: {
    fs: { allow: [here] },
  },
});
