import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chartDir, helm, renderChart } from '../test-support/helm.mjs';

const services = ['gateway', 'submission', 'scheduling', 'execution', 'query'];
const named = (objects, kind) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort();
const one = (objects, kind, name) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `no ${kind} ${name} in the rendered chart`);
  return found;
};
const envOf = (podOwner) => Object.fromEntries(
  podOwner.spec.template.spec.containers[0].env.map((e) => [e.name, e.value ?? e.valueFrom]),
);
const expectSchemaRejection = (set, path) => {
  const result = helm('template', 'jl', chartDir, '--set', set);
  assert.notEqual(result.status, 0, `helm template --set ${set} should fail`);
  assert.match(result.stderr, /values don't meet the specifications of the schema/);
  assert.ok(result.stderr.includes(path), `error should name ${path}:\n${result.stderr}`);
};

describe('the jobledger Helm chart', () => {
  let defaults;
  before(() => { defaults = renderChart(); });

  it('passes helm lint --strict', () => {
    const result = helm('lint', '--strict', chartDir);
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  it('renders a Deployment, Service, PodDisruptionBudget and NetworkPolicy per service with default values', () => {
    const expected = services.map((s) => `jl-jobledger-${s}`).sort();
    for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'NetworkPolicy']) {
      assert.deepEqual(named(defaults, kind), expected, kind);
    }
  });

  it('autoscales gateway, query and execution by default and leaves their replica count to the HPA', () => {
    assert.deepEqual(named(defaults, 'HorizontalPodAutoscaler'),
      ['jl-jobledger-execution', 'jl-jobledger-gateway', 'jl-jobledger-query']);
    for (const hpa of defaults.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
      assert.equal(hpa.apiVersion, 'autoscaling/v2');
      assert.equal(one(defaults, 'Deployment', hpa.metadata.name).spec.replicas, undefined);
    }
    assert.equal(one(defaults, 'Deployment', 'jl-jobledger-submission').spec.replicas, 2);
  });

  it('runs migrations of every service and topic creation as pre-install/pre-upgrade hook Jobs', () => {
    const migrate = one(defaults, 'Job', 'jl-jobledger-migrate');
    const topics = one(defaults, 'Job', 'jl-jobledger-create-topics');
    for (const job of [migrate, topics]) {
      assert.equal(job.metadata.annotations['helm.sh/hook'], 'pre-install,pre-upgrade');
      assert.match(job.metadata.annotations['helm.sh/hook-delete-policy'], /before-hook-creation/);
    }
    const script = migrate.spec.template.spec.containers[0].command.join(' ');
    for (const s of ['submission', 'scheduling', 'execution', 'query']) assert.match(script, new RegExp(s));
    assert.match(script, /services\/\$service\/dist\/migrate\.js/);
    assert.deepEqual(topics.spec.template.spec.containers[0].command, ['node', 'libs/kafka/dist/bin/create-topics.js']);
    assert.deepEqual(
      [envOf(topics).JOBLEDGER_TOPIC_PARTITIONS, envOf(topics).JOBLEDGER_TOPIC_REPLICATION, envOf(topics).JOBLEDGER_OUTPUT_RETENTION_MS],
      ['6', '3', '604800000'],
    );
  });

  it('creates the Secret and ServiceAccount the pre-install hooks use before the hook Jobs', () => {
    const weight = (kind, name) => Number(one(defaults, kind, name).metadata.annotations['helm.sh/hook-weight']);
    const job = weight('Job', 'jl-jobledger-migrate');
    assert.ok(weight('Secret', 'jl-jobledger-hooks') < job);
    assert.ok(weight('ServiceAccount', 'jl-jobledger-hooks') < job);
    assert.ok(weight('Job', 'jl-jobledger-create-topics') < job);
  });

  it('starts each service with its own main.js, probes /healthz and /readyz and runs it non-root on a read-only root', () => {
    for (const s of services) {
      const pod = one(defaults, 'Deployment', `jl-jobledger-${s}`).spec.template.spec;
      const [container] = pod.containers;
      assert.deepEqual(container.command, ['node', `services/${s}/dist/main.js`]);
      assert.equal(container.livenessProbe.httpGet.path, '/healthz');
      assert.equal(container.readinessProbe.httpGet.path, '/readyz');
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.equal(container.securityContext.readOnlyRootFilesystem, true);
      assert.equal(container.securityContext.allowPrivilegeEscalation, false);
      if (s !== 'execution') assert.equal(container.securityContext.runAsUser, undefined);
      assert.ok(container.resources.requests.cpu, `${s} needs a CPU request for its HPA`);
    }
  });

  it('passes kafka.brokers to every Deployment and hook Job as KAFKA_BROKERS', () => {
    const objects = renderChart('kafka.brokers=broker-0.kafka:9092\\,broker-1.kafka:9092');
    const podOwners = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job');
    assert.equal(podOwners.length, services.length + 2);
    for (const owner of podOwners) {
      assert.equal(envOf(owner).KAFKA_BROKERS, 'broker-0.kafka:9092,broker-1.kafka:9092', owner.metadata.name);
    }
  });

  it('points the gateway at the other services and leaves WORKER_ID to each worker process', () => {
    const gateway = envOf(one(defaults, 'Deployment', 'jl-jobledger-gateway'));
    assert.equal(gateway.SUBMISSION_URL, 'http://jl-jobledger-submission:8081');
    assert.equal(gateway.QUERY_URL, 'http://jl-jobledger-query:8084');
    const execution = envOf(one(defaults, 'Deployment', 'jl-jobledger-execution'));
    assert.equal(execution.WORKER_ID, undefined);
    assert.equal(execution.WORKER_SLOTS, '4');
  });

  it('runs runbooks as another user by giving only the execution container the capabilities to switch to it', () => {
    const isolated = one(defaults, 'Deployment', 'jl-jobledger-execution').spec.template.spec.containers[0];
    assert.equal(envOf(one(defaults, 'Deployment', 'jl-jobledger-execution')).JOBLEDGER_RUNBOOK_USER, '65534:65534');
    assert.equal(isolated.securityContext.runAsUser, 0);
    assert.deepEqual(isolated.securityContext.capabilities, { drop: ['ALL'], add: ['SETUID', 'SETGID', 'KILL', 'CHOWN', 'FOWNER', 'DAC_OVERRIDE'] });
    const plain = renderChart('execution.runbookUser=');
    const worker = one(plain, 'Deployment', 'jl-jobledger-execution');
    assert.equal(envOf(worker).JOBLEDGER_RUNBOOK_USER, 'worker');
    assert.deepEqual(worker.spec.template.spec.containers[0].securityContext.capabilities, { drop: ['ALL'] });
    expectSchemaRejection('execution.runbookUser=nobody', '/execution/runbookUser');
  });

  it('leaves migrations to the hook Job, or to the services at start-up when hooks are off', () => {
    for (const s of services) assert.equal(envOf(one(defaults, 'Deployment', `jl-jobledger-${s}`)).JOBLEDGER_MIGRATIONS_RUN, 'false');
    const withoutHooks = renderChart('hooks.enabled=false');
    assert.deepEqual(named(withoutHooks, 'Job'), []);
    for (const s of services) assert.equal(envOf(one(withoutHooks, 'Deployment', `jl-jobledger-${s}`)).JOBLEDGER_MIGRATIONS_RUN, 'true');
  });

  it('reads the database URL and admin key from existing Secrets instead of creating one', () => {
    const objects = renderChart('postgres.existingSecret=pg', 'postgres.existingSecretKey=url',
      'adminKey.existingSecret=admin', 'adminKey.existingSecretKey=key');
    assert.deepEqual(named(objects, 'Secret'), []);
    const env = envOf(one(objects, 'Deployment', 'jl-jobledger-query'));
    assert.deepEqual(env.DATABASE_URL, { secretKeyRef: { name: 'pg', key: 'url' } });
    assert.deepEqual(env.JOBLEDGER_ADMIN_KEY, { secretKeyRef: { name: 'admin', key: 'key' } });
  });

  it('lets only the namespace and the ingress controller reach the gateway, and only the release reach the rest', () => {
    const fromOf = (name) => one(defaults, 'NetworkPolicy', name).spec.ingress.flatMap((rule) => rule.from);
    assert.ok(fromOf('jl-jobledger-gateway').some((peer) => JSON.stringify(peer) === '{"podSelector":{}}'));
    assert.deepEqual(fromOf('jl-jobledger-query'),
      [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'jl', 'app.kubernetes.io/name': 'jobledger' } } }]);
    const egressPorts = one(defaults, 'NetworkPolicy', 'jl-jobledger-query').spec.egress
      .flatMap((rule) => rule.ports.map((p) => p.port));
    for (const port of [53, 9092, 5432]) assert.ok(egressPorts.includes(port), `egress to port ${port}`);
  });

  it('adds an Ingress to the gateway only when enabled', () => {
    assert.deepEqual(named(defaults, 'Ingress'), []);
    const [ingress] = renderChart('ingress.enabled=true').filter((o) => o.kind === 'Ingress');
    assert.equal(ingress.spec.rules[0].http.paths[0].backend.service.name, 'jl-jobledger-gateway');
  });

  it('refuses a negative replica count through values.schema.json', () => {
    expectSchemaRejection('replicaCount.query=-1', '/replicaCount/query');
  });

  it('refuses an unknown top-level value through values.schema.json', () => {
    expectSchemaRejection('replicaCont.query=1', "'replicaCont' not allowed");
  });

  it('refuses Kafka brokers that are not host:port through values.schema.json', () => {
    expectSchemaRejection('kafka.brokers=kafka', '/kafka/brokers');
  });
});
