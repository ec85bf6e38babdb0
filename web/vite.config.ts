import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = __dirname;
const repoRoot = path.resolve(webRoot, '..');

/**
 * The command-centre web app. Built into `dist/web`, which the gateway serves; in development the
 * gateway's API, vector tiles and basemap are proxied so the app runs on one origin either way.
 */
export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  resolve: {
    alias: {
      // The bundled CJK font's files, globbed by `src/map/fonts.ts` to declare them to MapLibre.
      '@noto-sans-sc': path.join(repoRoot, 'node_modules', '@fontsource', 'noto-sans-sc'),
    },
  },
  build: {
    outDir: path.join(repoRoot, 'dist', 'web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2500,
    // Font subsets stay separate files so that only the ones a label needs are fetched.
    assetsInlineLimit: 0,
  },
  server: {
    // The Host header is kept, so URLs the gateway writes into responses (TileJSON tile URLs) point back here.
    proxy: Object.fromEntries(
      ['/api', '/tiles', '/basemap', '/socket.io'].map((prefix) => [
        prefix,
        { target: process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080', changeOrigin: false, ws: prefix === '/socket.io' },
      ]),
    ),
  },
});
