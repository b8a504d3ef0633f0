// Runs against the real broker and database: `node --test tools/local/test/` from the workspace root.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { livePid, repoRoot, run, stateDir } from '../lib/common.mjs';
import { infraStatus, stopInfra } from '../lib/infra.mjs';
import { apiVersions, parseBrokers } from '../lib/kafka-protocol.mjs';

const kafkaPidFile = join(stateDir, 'kafka', 'kafka.pid');

function startInfraCli() {
  const r = spawnSync(process.execPath, [join(repoRoot, 'tools/local/bin/infra.mjs'), 'start'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 600_000,
  });
  assert.equal(r.status, 0, `infra.mjs start failed:\n${r.stderr}`);
  const env = Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { env, kafkaPid: livePid(kafkaPidFile) };
}

describe('infra.mjs start', () => {
  let initial;
  let first;
  let second;

  before(async () => {
    initial = await infraStatus();
    first = startInfraCli();
    second = startInfraCli();
  });

  // Leave things as we found them: stop only what this test started.
  after(async () => {
    const kafka = !initial.kafka.pid && Boolean(livePid(kafkaPidFile));
    const postgres = initial.postgres.kind !== 'private' && (await infraStatus()).postgres.kind === 'private';
    await stopInfra({ kafka, postgres });
  });

  it('prints KAFKA_BROKERS and DATABASE_URL', () => {
    assert.match(first.env.KAFKA_BROKERS, /^[^,]+:\d+/);
    assert.match(first.env.DATABASE_URL, /^postgres(ql)?:\/\//);
  });

  it('reuses the same broker and database when run a second time', () => {
    assert.deepEqual(second.env, first.env);
    assert.equal(second.kafkaPid, first.kafkaPid);
  });

  it('leaves a broker that answers a Kafka ApiVersions request', async () => {
    const [{ host, port }] = parseBrokers(first.env.KAFKA_BROKERS);
    const apis = await apiVersions(host, port);
    assert.ok(apis.has(0) && apis.has(1), 'broker lists Produce (0) and Fetch (1)');
  });

  it('leaves a database that answers select 1', () => {
    const r = run('psql', [first.env.DATABASE_URL, '-XAtqw', '-c', 'select 1']);
    assert.equal(r.stdout.trim(), '1', r.stderr);
  });
});

