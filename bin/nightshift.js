#!/usr/bin/env node
// The `nightshift` bin: the headless CLI, built by `electron-vite build` (run by `npm ci` via "prepare").
const { existsSync } = require('node:fs');
const { join } = require('node:path');

// `--version` answers before anything else loads (bench/cli.ts holds it to 1.5× a bare `node -e 0`).
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  const cli = join(__dirname, '..', 'out', 'main', 'cli.js');
  if (!existsSync(cli)) {
    process.stderr.write(`nightshift: ${cli} is missing; build it with "npx electron-vite build" (or "npm run build")\n`);
    process.exit(1);
  }
  require(cli);
}
