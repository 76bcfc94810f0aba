import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The admin dashboard, served by the API at /dashboard from dist/dashboard (apps/api/src/dashboard). */
export default defineConfig({
  root: here,
  base: '/dashboard/',
  // No React plugin: Vite's own oxc transform compiles the TSX with the automatic runtime.
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: fileURLToPath(new URL('../dist/dashboard', import.meta.url)), emptyOutDir: true },
  server: { proxy: { '^/(v1|v2|v3|api)/': 'http://127.0.0.1:8000' } },
});
