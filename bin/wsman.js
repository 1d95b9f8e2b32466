#!/usr/bin/env node
'use strict';
/**
 * The `wsman` command. In a checkout it runs the TypeScript sources through ts-node (no build
 * step, so `npm install` stays fast); the published package, which ships dist/ and no src/,
 * runs the compiled JavaScript. docs/decisions.md ("CLI: first contact") has the measurements.
 */
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const source = join(root, 'src', 'cli', 'main.ts');
const built = join(root, 'dist', 'cli', 'main.js');

function entry() {
  if (existsSync(source)) {
    try {
      require('ts-node').register({ project: join(root, 'tsconfig.json'), transpileOnly: true });
      return source;
    } catch {
      // ts-node absent (installed without dev dependencies): use the build if there is one.
    }
  }
  if (existsSync(built)) return built;
  process.stderr.write('wsman: neither the TypeScript sources with ts-node nor a build (npm run build) are available\n');
  process.exit(1);
}

require(entry())
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
