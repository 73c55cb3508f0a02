#!/usr/bin/env node
// The `nightshift` bin: the headless CLI, built by `electron-vite build` (run by `npm ci` via "prepare").
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write(`nightshift: ${cli} is missing; build it with "npx electron-vite build" (or "npm run build")\n`);
  process.exit(1);
}
require(cli);
