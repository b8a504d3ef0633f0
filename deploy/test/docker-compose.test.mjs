import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { composeTools, installHint, resolvedConfig } from '../test-support/compose.mjs';

const services = ['submission', 'scheduling', 'execution', 'query', 'gateway'];
// The variables docker-compose.yml reads, unset so that its own defaults show.
const unset = Object.fromEntries(['JOBLEDGER_ADMIN_KEY', 'JOBLEDGER_IMAGE', 'JOBLEDGER_HTTP_PORT', 'POSTGRES_PASSWORD',
  'LOG_LEVEL', 'JOBLEDGER_TOPIC_PARTITIONS', 'JOBLEDGER_OUTPUT_RETENTION_MS', 'JOBLEDGER_WORKER_GROUP', 'JOBLEDGER_WORKER_SLOTS'].map((k) => [k, undefined]));

describe('docker-compose.yml', () => {
  let tools;
  let jsonTool;
  let config;
  before(() => {
    tools = composeTools();
    for (const tool of tools) {
      config = resolvedConfig(tool, unset);
      if (config) { jsonTool = tool; break; }
    }
  });

  it('is valid for docker-compose 1.29 and docker compose (config -q)', () => {
    assert.ok(tools.length > 0, `neither docker-compose nor docker compose is installed; ${installHint}`);
    for (const tool of tools) {
      const result = tool.run(['config', '-q'], unset);
      assert.equal(result.status, 0, `${tool.name} config -q:\n${result.stderr}`);
    }
  });

  it('runs every migration and topic creation once Kafka and Postgres are healthy', (t) => {
    if (!config) return t.skip('no compose implementation here can print its configuration as JSON');
    const init = config.services.init;
    const script = [].concat(init.command).join(' ');
    for (const s of ['submission', 'scheduling', 'execution', 'query']) assert.match(script, new RegExp(s));
    assert.match(script, /services\/\$\$?service\/dist\/migrate\.js/); // $$ is compose escaping
    assert.match(script, /node libs\/kafka\/dist\/bin\/create-topics\.js/);
    assert.equal(init.depends_on.kafka.condition, 'service_healthy');
    assert.equal(init.depends_on.postgres.condition, 'service_healthy');
    assert.equal(String(init.environment.JOBLEDGER_TOPIC_REPLICATION), '1');
    assert.equal(config.services.kafka.image, 'apache/kafka:3.9.1');
    assert.equal(config.services.postgres.image, 'postgres:15');
  });

  it('starts the services from the one image after init, each with a /readyz healthcheck', (t) => {
    if (!config) return t.skip('no compose implementation here can print its configuration as JSON');
    const image = config.services.init.image;
    for (const s of services) {
      const service = config.services[s];
      assert.ok(service, `service ${s}`);
      assert.equal(service.image, image, `${s} image`);
      assert.deepEqual(service.command, ['node', `services/${s}/dist/main.js`]);
      assert.match([].concat(service.healthcheck.test).join(' '), /\/readyz/, `${s} healthcheck`);
      const waitsFor = s === 'gateway' ? ['submission', 'scheduling', 'execution', 'query'] : ['init'];
      const condition = s === 'gateway' ? 'service_healthy' : 'service_completed_successfully';
      for (const dependency of waitsFor) assert.equal(service.depends_on[dependency]?.condition, condition, `${s} -> ${dependency}`);
    }
    assert.equal(String(config.services.gateway.ports[0].published), '8080');
    assert.equal(String(config.services.gateway.ports[0].target), '8080');
  });

  it('takes JOBLEDGER_ADMIN_KEY from the environment and otherwise uses an obvious dev key', (t) => {
    if (!config) return t.skip('no compose implementation here can print its configuration as JSON');
    for (const s of services) assert.match(config.services[s].environment.JOBLEDGER_ADMIN_KEY, /^dev-/);
    const overridden = resolvedConfig(jsonTool, { ...unset, JOBLEDGER_ADMIN_KEY: 'a-real-key-from-the-environment' });
    for (const s of services) assert.equal(overridden.services[s].environment.JOBLEDGER_ADMIN_KEY, 'a-real-key-from-the-environment');
  });
});
