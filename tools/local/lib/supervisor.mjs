// Long-running child processes for `npm start`: output prefixed with the service name, stop with a grace period.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { repoRoot } from './common.mjs';

const COLORS = [36, 32, 33, 35, 34, 31];
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;

/**
 * Spawns `node <script>` in its own process group (a Ctrl-C reaches only us; we stop the children in order).
 * `onExit(code, signal)` runs when it ends.
 */
export function spawnService(name, script, env, width, onExit) {
  const child = spawn(process.execPath, [script], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const color = COLORS[spawnService.count++ % COLORS.length];
  const label = name.padEnd(width);
  const prefix = useColor ? `\x1b[${color}m${label}\x1b[0m │ ` : `${label} │ `;
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => out.write(`${prefix}${line}\n`));
  }
  const exited = new Promise((resolve) => {
    child.on('error', (e) => {
      process.stderr.write(`${prefix}cannot start: ${e.message}\n`);
      onExit(null, null);
      resolve();
    });
    child.on('exit', (code, signal) => {
      onExit(code, signal);
      resolve();
    });
  });
  return { name, child, exited, running: () => child.exitCode === null && child.signalCode === null };
}
spawnService.count = 0;

/** SIGTERM to every running service, SIGKILL to those still running after graceMs. */
export async function stopServices(services, graceMs) {
  const running = services.filter((s) => s.running());
  for (const s of running) s.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const s of running.filter((r) => r.running())) {
      process.stderr.write(`${s.name} did not stop within ${graceMs / 1000} s; SIGKILL\n`);
      s.child.kill('SIGKILL');
    }
  }, graceMs);
  await Promise.all(running.map((s) => s.exited));
  clearTimeout(timer);
}
