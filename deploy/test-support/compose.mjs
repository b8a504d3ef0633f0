// docker-compose (1.29, Debian's package) and/or `docker compose` (v2) on docker-compose.yml.
// Neither needs a Docker engine to validate a file.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { workspaceRoot } from './layer-tools.mjs';

export const composeFile = path.join(workspaceRoot, 'docker-compose.yml');
export const installHint = 'install it with: apt-get install -y --no-install-recommends docker-compose';

// An empty --env-file keeps a developer's .env out of the checks.
const emptyEnvFile = path.join(mkdtempSync(path.join(tmpdir(), 'jobledger-compose-')), 'empty.env');
writeFileSync(emptyEnvFile, '');

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch { /* next */ }
  }
  return undefined;
}

function run(command, args, { env = {}, input } = {}) {
  const result = spawnSync(command, args, {
    cwd: workspaceRoot,
    input,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (result.error) throw result.error;
  return result;
}

/** The compose implementations on this machine: [{ name, run(args, env) }]. */
export function composeTools() {
  const tools = [];
  const v1 = onPath('docker-compose');
  if (v1) tools.push({ name: 'docker-compose', path: v1, run: (args, env) => run(v1, ['--env-file', emptyEnvFile, '-f', composeFile, ...args], { env }) });
  const docker = onPath('docker');
  if (docker && run(docker, ['compose', 'version']).status === 0) {
    tools.push({ name: 'docker compose', run: (args, env) => run(docker, ['compose', '--env-file', emptyEnvFile, '-f', composeFile, ...args], { env }) });
  }
  return tools;
}

/**
 * The resolved configuration as an object, or undefined when no route to JSON exists:
 * `docker compose config --format json`, or docker-compose 1.29's YAML read by the
 * Python that runs docker-compose (PyYAML is one of its dependencies).
 */
export function resolvedConfig(tool, env = {}) {
  if (tool.name === 'docker compose') {
    const result = tool.run(['config', '--format', 'json'], env);
    if (result.status !== 0) throw new Error(result.stderr);
    return JSON.parse(result.stdout);
  }
  const shebang = readFileSync(tool.path, 'utf8').slice(0, 200).split('\n')[0];
  const python = shebang.startsWith('#!') && /python/.test(shebang) ? shebang.slice(2).trim().split(/\s+/) : undefined;
  if (!python) return undefined;
  const yaml = tool.run(['config'], env);
  if (yaml.status !== 0) throw new Error(yaml.stderr);
  const toJson = 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)';
  const converted = run(python[0], [...python.slice(1), '-c', toJson], { input: yaml.stdout });
  if (converted.status !== 0) return undefined;
  return JSON.parse(converted.stdout);
}
