// The project-managed Apache Kafka 3.9.1 broker: KRaft, one node that is both broker and controller.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { livePid, log, removePid, run, sleep, tail, tcpOpen, terminate, writePid } from './common.mjs';
import { dataDir, dir, heapOpts, jvm, kafkaConfig, logsDir, newClusterId, pidFile, propsFile, writeConfig } from './kafka-config.mjs';
import { ensureJars, requireJava } from './kafka-jars.mjs';
import { kafkaAnswers } from './kafka-protocol.mjs';

export { kafkaConfig };

function formatOnce() {
  if (existsSync(join(dataDir, 'meta.properties'))) return;
  const clusterId = newClusterId();
  log(`formatting KRaft storage ${dataDir} (cluster id ${clusterId})`);
  const args = jvm(['-Xmx256m'], 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile);
  const r = run('java', args);
  if (r.status !== 0) throw new Error(`kafka-storage format failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
}

/** Our broker: the pidfile's process is alive and runs kafka.Kafka with our config. */
function ourPid() {
  const pid = livePid(pidFile);
  if (!pid) return null;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('kafka.Kafka') && cmdline.includes(propsFile) ? pid : null;
  } catch {
    return pid; // no procfs: trust the pidfile
  }
}

const logTail = () => `--- ${join(logsDir, 'server.log')} (tail) ---\n${tail(join(logsDir, 'server.log'), 30)}\n` +
  `--- ${join(logsDir, 'stdout.log')} (tail) ---\n${tail(join(logsDir, 'stdout.log'), 15)}`;

async function waitReady({ host, port }, pid, exited) {
  const timeoutMs = Number(process.env.KAFKA_START_TIMEOUT_MS ?? 120_000);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`Kafka broker (pid ${pid}) exited during start-up\n${logTail()}`);
    if (await kafkaAnswers(host, port, 2000)) return;
    await sleep(500);
  }
  throw new Error(`Kafka broker (pid ${pid}) did not answer ApiVersions on ${host}:${port} within ${timeoutMs} ms\n${logTail()}`);
}

/**
 * Starts the broker unless one already answers. Resolves with { brokers, pid, started, managed }:
 * `started` is true only when this call launched the JVM; `managed` is false for a foreign broker.
 */
export async function startKafka() {
  const cfg = kafkaConfig();
  const existing = ourPid();
  if (existing) {
    await waitReady(cfg, existing, () => !livePid(pidFile));
    return { brokers: cfg.brokers, pid: existing, started: false, managed: true };
  }
  if (await kafkaAnswers(cfg.host, cfg.port, 2000)) {
    log(`a Kafka broker this project did not start answers on ${cfg.brokers}; using it (stop will not touch it)`);
    return { brokers: cfg.brokers, pid: null, started: false, managed: false };
  }
  for (const p of [cfg.port, cfg.controllerPort]) {
    if (await tcpOpen(cfg.host, p)) throw new Error(`port ${cfg.host}:${p} is taken by something that is not our Kafka broker; set KAFKA_PORT / KAFKA_CONTROLLER_PORT`);
  }
  requireJava();
  ensureJars();
  writeConfig(cfg);
  formatOnce();
  const out = openSync(join(logsDir, 'stdout.log'), 'a');
  const child = spawn('java', jvm(heapOpts(), 'kafka.Kafka', propsFile), { cwd: dir, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  let exited = false;
  child.on('exit', () => (exited = true));
  child.unref();
  writePid(pidFile, child.pid);
  log(`Kafka broker starting (pid ${child.pid}) on ${cfg.brokers}, controller ${cfg.host}:${cfg.controllerPort}`);
  try {
    await waitReady(cfg, child.pid, () => exited);
  } catch (e) {
    await terminate(child.pid, 5000);
    removePid(pidFile);
    throw e;
  }
  return { brokers: cfg.brokers, pid: child.pid, started: true, managed: true };
}

export async function kafkaStatus() {
  const cfg = kafkaConfig();
  return { brokers: cfg.brokers, pid: ourPid(), answers: await kafkaAnswers(cfg.host, cfg.port, 2000) };
}

/** Stops the broker this project started (pidfile); resolves false when there was none. */
export async function stopKafka() {
  const pid = ourPid();
  if (pid) log(`stopping Kafka broker (pid ${pid})`);
  const how = pid && (await terminate(pid, Number(process.env.KAFKA_STOP_TIMEOUT_MS ?? 30_000)));
  removePid(pidFile);
  if (how) log(`Kafka broker (pid ${pid}) ${how}`);
  return Boolean(pid);
}
