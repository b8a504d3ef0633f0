#!/usr/bin/env node
// Syntax-checks every .mjs file of a folder (default tools/local) with `node --check`: the lint of the .mjs projects.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../lib/common.mjs';

const root = join(repoRoot, process.argv[2] ?? join('tools', 'local'));
const files = readdirSync(root, { recursive: true })
  .filter((f) => f.endsWith('.mjs') && !f.includes('node_modules'))
  .map((f) => join(root, f));
const failed = files.filter((f) => spawnSync(process.execPath, ['--check', f], { stdio: 'inherit' }).status !== 0);
console.log(`node --check: ${files.length - failed.length}/${files.length} files OK`);
for (const f of failed) console.error(`  syntax error in ${relative(repoRoot, f)}`);
process.exitCode = failed.length ? 1 : 0;
