import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { workspaceRoot } from '../test-support/layer-tools.mjs';

const read = (file) => readFileSync(path.join(workspaceRoot, file), 'utf8');

/** Dockerfile instructions ({ op, args }) grouped by stage, continuation lines joined. */
function dockerfileStages() {
  const lines = read('Dockerfile').replace(/\\\r?\n/g, ' ').split(/\r?\n/)
    .map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const args = {};
  const stages = [];
  for (const line of lines) {
    const [, op, rest] = /^(\S+)\s*(.*)$/.exec(line);
    const instruction = { op: op.toUpperCase(), args: rest };
    if (instruction.op === 'ARG' && stages.length === 0) {
      const [name, value] = rest.split('=');
      args[name] = value;
    } else if (instruction.op === 'FROM') {
      const [image, , name] = rest.replace(/\$\{(\w+)\}/g, (_, v) => args[v] ?? '').split(/\s+/);
      stages.push({ image, name, instructions: [] });
    } else {
      stages.at(-1).instructions.push(instruction);
    }
  }
  return stages;
}

describe('the Jobledger image', () => {
  const stages = dockerfileStages();
  const runtime = stages.at(-1);

  it('builds every stage on node:20-bookworm-slim', () => {
    const external = stages.map((s) => s.image).filter((image) => !stages.some((s) => s.name === image));
    assert.ok(external.length > 0);
    for (const image of external) assert.equal(image, 'node:20-bookworm-slim');
  });

  it('builds with npm ci and npm run build, and ships production dependencies only', () => {
    const runs = stages.flatMap((s) => s.instructions.filter((i) => i.op === 'RUN').map((i) => i.args));
    assert.ok(runs.some((r) => /\bnpm ci\b(?!.*--omit=dev)/.test(r)), 'a full npm ci for the build');
    assert.ok(runs.some((r) => /\bnpm run build\b/.test(r)));
    const copiedFrom = runtime.instructions.filter((i) => i.op === 'COPY')
      .map((i) => /--from=(\S+)/.exec(i.args)?.[1]).filter(Boolean);
    const dependencyStages = stages.filter((s) => copiedFrom.includes(s.name)
      && s.instructions.some((i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.args)));
    assert.ok(dependencyStages.length > 0, 'the runtime copies node_modules from an npm ci stage');
    for (const stage of dependencyStages) {
      assert.ok(stage.instructions.some((i) => /npm ci\b.*--omit=dev/.test(i.args)), `${stage.name} installs dev dependencies`);
    }
  });

  it('runs as a numeric non-root user and starts no workload by default', () => {
    const user = runtime.instructions.filter((i) => i.op === 'USER').at(-1)?.args;
    assert.match(user ?? '', /^[1-9]\d*(:\d+)?$/, 'runtime USER must be a numeric non-root uid');
    const cmd = JSON.parse(runtime.instructions.filter((i) => i.op === 'CMD').at(-1)?.args ?? '[]');
    assert.equal(cmd.some((arg) => /^(services|libs)\/.+\.js$/.test(arg)), false, `default CMD runs a process: ${cmd}`);
    assert.equal(runtime.instructions.some((i) => i.op === 'ENTRYPOINT'), false, 'deployments set the command');
  });

  it('keeps node_modules, build output, .git and local state out of the build context', () => {
    const ignored = read('.dockerignore').split(/\r?\n/).map((l) => l.trim());
    for (const pattern of ['**/node_modules', '**/dist', '.git', '.jobledger', '.nx']) {
      assert.ok(ignored.includes(pattern), `.dockerignore lacks ${pattern}`);
    }
  });

  it('runs only processes of workspaces that exist, with the entry points their package.json names', () => {
    const templates = path.join('deploy', 'helm', 'jobledger', 'templates');
    const sources = ['docker-compose.yml', ...readdirSync(path.join(workspaceRoot, templates)).map((f) => path.join(templates, f))];
    const referenced = new Set();
    for (const file of sources) {
      for (const [, dir] of read(file).matchAll(/\b((?:services|libs)\/[a-z-]+)\/dist\//g)) referenced.add(dir);
    }
    for (const service of ['submission', 'scheduling', 'execution', 'query', 'gateway']) {
      assert.ok(referenced.has(`services/${service}`), `docker-compose.yml runs nothing from services/${service}`);
    }
    assert.ok(referenced.has('libs/kafka'), 'nothing creates the topics');
    for (const dir of referenced) {
      const manifest = path.join(workspaceRoot, dir, 'package.json');
      assert.ok(existsSync(manifest), `${dir} is not a workspace`);
      if (dir.startsWith('services/')) assert.equal(JSON.parse(readFileSync(manifest, 'utf8')).main, 'dist/main.js', dir);
    }
  });
});
