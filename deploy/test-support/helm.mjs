// Runs helm on deploy/helm/jobledger and turns the rendered YAML into objects.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { layerTool, workspaceRoot } from './layer-tools.mjs';

export const chartDir = path.join(workspaceRoot, 'deploy', 'helm', 'jobledger');
const helmHome = path.join(workspaceRoot, '.jobledger', 'helm');

function run(tool, args, input) {
  const result = spawnSync(layerTool(tool), args, {
    cwd: workspaceRoot,
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // Keep the user's helm plugins, repositories and kube context out of the tests.
    env: {
      ...process.env,
      HELM_CONFIG_HOME: path.join(helmHome, 'config'),
      HELM_CACHE_HOME: path.join(helmHome, 'cache'),
      HELM_DATA_HOME: path.join(helmHome, 'data'),
      KUBECONFIG: path.join(helmHome, 'no-kubeconfig'),
    },
  });
  if (result.error) throw result.error;
  return result;
}

/** `helm <args>`: { status, stdout, stderr }. */
export function helm(...args) {
  return run('helm', args);
}

/** `helm template` with `--set` pairs; throws with helm's message when rendering fails. */
export function renderChart(...sets) {
  const args = ['template', 'jl', chartDir, '--namespace', 'jobledger', ...sets.flatMap((s) => ['--set', s])];
  const rendered = helm(...args);
  if (rendered.status !== 0) throw new Error(`helm ${args.join(' ')} failed:\n${rendered.stderr}`);
  return parseManifests(rendered.stdout);
}

/**
 * kubectl decodes the YAML offline (`label --local` prints every object it read, as one
 * JSON line each); no YAML parser is needed in the tests.
 */
function parseManifests(yaml) {
  const parsed = run('kubectl', ['label', '--local', '-f', '-', 'jobledger.test/parsed=true', '-o', 'jsonpath={@}{"\\n"}'], yaml);
  if (parsed.status !== 0) throw new Error(`rendered chart is not valid Kubernetes YAML:\n${parsed.stderr}`);
  return parsed.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line));
}
