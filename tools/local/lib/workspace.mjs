// Running workspace commands (npm, nx, built scripts) from npm start / npm test.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './common.mjs';

/** Nx without the daemon or cloud: both misbehave with several runs side by side. */
export const nxEnv = (extra = {}) => ({ ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', ...extra });

export function formatDuration(ms) {
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

let current = null;
/** The command now running, so a signal handler can pass the signal on. */
export const currentCommand = () => current;

/** Runs a command with inherited stdio; resolves with its exit code (128+n when killed by a signal). */
/** Runs a command with inherited output; with `onOutput`, its stdout and stderr also go there. */
export function runCommand(cmd, args, env = process.env, onOutput = null) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: repoRoot, env, stdio: onOutput ? ['inherit', 'pipe', 'pipe'] : 'inherit' });
    if (onOutput) {
      child.stdout.on('data', (chunk) => (process.stdout.write(chunk), onOutput(chunk.toString())));
      child.stderr.on('data', (chunk) => (process.stderr.write(chunk), onOutput(chunk.toString())));
    }
    current = child;
    child.on('error', (e) => {
      console.error(`cannot run ${cmd}: ${e.message}`);
      current = null;
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      current = null;
      resolve(code ?? 128 + (constants.signals[signal] ?? 0));
    });
  });
}

/** `npm install` when node_modules is missing or older than package-lock.json (a fresh clone, a pull). */
export async function ensureDependencies() {
  const installed = join(repoRoot, 'node_modules', '.package-lock.json');
  const lock = join(repoRoot, 'package-lock.json');
  // 2 s slack: npm writes package-lock.json a moment before node_modules/.package-lock.json.
  const stale = !existsSync(installed) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs + 2000);
  if (!stale) return;
  console.log('── npm install (node_modules missing or older than package-lock.json)');
  const code = await runCommand('npm', ['install', '--no-audit', '--no-fund']);
  if (code !== 0) throw Object.assign(new Error(`npm install failed with exit code ${code}`), { exitCode: code });
}
