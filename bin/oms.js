#!/usr/bin/env node
// The `oms` command: runs the build in dist/ (`npm run build`; `npm install` and `npm start` build
// it). `npm run oms -- …` runs the TypeScript sources through tsx instead.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('oms: not built yet (dist/cli/main.js is missing): run `npm run build`\n');
  process.exit(1);
}
await import(entry.href);
