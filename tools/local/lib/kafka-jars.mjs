// Fetches (once) the Apache Kafka jars the managed broker runs from, and checks the JVM.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { log, repoRoot, run, stateDir, which } from './common.mjs';

export const libsDir = join(stateDir, 'kafka', 'libs');
const pom = join(repoRoot, 'tools', 'local', 'kafka', 'pom.xml');
/** Written after a complete fetch; holds the pom's hash so a version bump refetches. */
const marker = join(libsDir, '.fetched-from-pom');

const ALTERNATIVES = 'or set KAFKA_BROKERS to an existing broker, or use `docker compose up`';

/** Fails with what to install when no usable `java` (11+, 17 recommended) is on PATH. */
export function requireJava() {
  if (!which('java')) {
    throw new Error(`Java 17 is not installed: apt-get install openjdk-17-jre-headless, ${ALTERNATIVES}`);
  }
  const { stderr } = run('java', ['-version']);
  const major = Number((/version "(?:1\.)?(\d+)/.exec(stderr) ?? [])[1]);
  if (major && major < 11) {
    throw new Error(`Kafka 3.9 needs Java 11+ (17 recommended), found ${major}: apt-get install openjdk-17-jre-headless, ${ALTERNATIVES}`);
  }
}

const pomHash = () => createHash('sha256').update(readFileSync(pom)).digest('hex');

export const jarsPresent = () => existsSync(marker) && readFileSync(marker, 'utf8').trim() === pomHash();

/** Copies kafka_2.13 and its runtime deps into .jobledger/kafka/libs with Maven, unless already there. */
export function ensureJars() {
  if (jarsPresent()) return false;
  if (!which('mvn')) {
    throw new Error(`Maven is not installed (needed once, to fetch the Kafka jars): apt-get install maven, ${ALTERNATIVES}`);
  }
  log(`fetching Apache Kafka jars with Maven into ${libsDir} (first run only; takes a few minutes)`);
  const started = Date.now();
  rmSync(libsDir, { recursive: true, force: true });
  mkdirSync(libsDir, { recursive: true });
  const args = ['-B', '-q', '--no-transfer-progress', '-f', pom, `-Djobledger.dir=${stateDir}`];
  const r = run('mvn', [...args, 'dependency:copy-dependencies'], { maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    const out = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`mvn dependency:copy-dependencies failed (exit ${r.status}):\n${out}`);
  }
  if (!readdirSync(libsDir).some((f) => f.startsWith('kafka_2.13-'))) throw new Error(`Maven ran but ${libsDir} has no kafka_2.13 jar`);
  writeFileSync(marker, `${pomHash()}\n`);
  log(`Kafka jars fetched in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}
