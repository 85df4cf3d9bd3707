/**
 * The OMS web app (Vue 3 + vue-router), built by Vite into dist/web/ and served by the OMS at
 * /app/ (src/web/index.ts). Everything it loads is in the bundle: no CDN, no web font, nothing
 * from the network at run time; it talks to the OMS API of the same origin only.
 *
 *   npm run build:web                                     build once
 *   npx vite build --config web/vite.config.ts --watch    rebuild on change (the OMS serves the new files)
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  plugins: [vue()],
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // The OMS sends a Content-Security-Policy without inline scripts or styles: nothing may be inlined.
    assetsInlineLimit: 0,
    sourcemap: true,
    target: 'es2022',
    // No report of slow plugins: on a shared machine it only says the machine was busy.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
