#!/usr/bin/env node
'use strict';
// The `calldeck` command: runs the CLI bundle built by electron-vite (out/main/cli.js).
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'out', 'main', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('calldeck: not built yet. Run `npm run build` first.\n');
  process.exit(2);
}
require(cli);
