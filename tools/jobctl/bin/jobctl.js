#!/usr/bin/env node
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

// On a fresh clone the CLI is not compiled yet: build it (and the libs it uses) once.
const main = join(__dirname, '..', 'dist', 'main.js');
if (!existsSync(main)) {
  const root = join(__dirname, '..', '..', '..');
  process.stderr.write('jobctl is not built yet; building it (npx nx run jobctl:build)...\n');
  const built = spawnSync('npx', ['nx', 'run', 'jobctl:build', '--output-style=static'], { cwd: root, stdio: ['ignore', 2, 2], env: { ...process.env, NX_DAEMON: 'false' } });
  if (built.status !== 0) process.exit(1);
}
require(main);
