// Picks a Postgres: DATABASE_URL, else the local server, else a private cluster under .jobledger/postgres.
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { intEnv, log, run, stateDir, tail, which } from './common.mjs';

const DATABASE = 'jobledger';
const OS_USER = 'jobledger'; // initdb and postgres refuse to run as root
const dir = join(stateDir, 'postgres');
const dataDir = join(dir, 'data');
const logFile = join(dir, 'postgres.log');
const OR = 'or set DATABASE_URL to an existing database, or use `docker compose up`';

const url = (port, db) => `postgres://postgres@127.0.0.1:${port}/${db}`;

/** Runs SQL through psql (no npm driver on a fresh clone); -w: never prompt for a password. */
function psql(target, sql) {
  if (!which('psql')) throw new Error(`psql (the PostgreSQL client) is not installed: apt-get install postgresql-client, ${OR}`);
  const r = run('psql', [target, '-XAtqw', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    env: { ...process.env, PGCONNECT_TIMEOUT: '3' },
  });
  return { ok: r.status === 0, out: r.stdout.trim(), err: r.stderr.trim() };
}

function ensureDatabase(port) {
  const admin = url(port, 'postgres');
  if (psql(admin, `select 1 from pg_database where datname = '${DATABASE}'`).out === '1') return;
  const r = psql(admin, `create database ${DATABASE}`);
  if (!r.ok && !/already exists/.test(r.err)) throw new Error(`create database ${DATABASE} failed: ${r.err}`);
  log(`created database ${DATABASE} on 127.0.0.1:${port}`);
}

function serverBinDir() {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => b - a) : [];
  const dirs = [...versions.map((v) => join(root, v, 'bin')), ...(which('pg_ctl') ? [dirname(which('pg_ctl'))] : [])];
  const bin = dirs.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')));
  if (!bin) throw new Error(`no reachable Postgres and no PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql, ${OR}`);
  return bin;
}

const isRoot = () => process.getuid?.() === 0;

function ensureOsUser() {
  if (run('id', ['-u', OS_USER]).status === 0) return;
  const r = run('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', OS_USER]);
  if (r.status !== 0) throw new Error(`useradd ${OS_USER} failed (initdb cannot run as root): ${r.stderr}`);
  log(`created system user ${OS_USER} to own the private Postgres cluster`);
}

/** Runs a server binary as the cluster owner: ourselves, or the `jobledger` system user when we are root. */
const asOwner = (bin, args) => (isRoot() ? run('runuser', ['-u', OS_USER, '--', bin, ...args]) : run(bin, args));

const privateRunning = (bin) => existsSync(join(dataDir, 'PG_VERSION')) && asOwner(join(bin, 'pg_ctl'), ['status', '-D', dataDir]).status === 0;
const runningPort = () => Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[3]);

async function startPrivate() {
  const bin = serverBinDir();
  if (privateRunning(bin)) {
    const port = runningPort();
    ensureDatabase(port);
    return { databaseUrl: url(port, DATABASE), kind: 'private', started: false };
  }
  const port = intEnv('JOBLEDGER_PG_PORT', 55432);
  mkdirSync(dir, { recursive: true });
  if (isRoot()) {
    ensureOsUser();
    run('chown', ['-R', `${OS_USER}:${OS_USER}`, dir]);
  }
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`initdb ${dataDir}${isRoot() ? ` (as system user ${OS_USER})` : ''}`);
    const r = asOwner(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C']);
    if (r.status !== 0) throw new Error(`initdb failed (exit ${r.status}; ${OS_USER} needs to reach ${dir}):\n${r.stderr}`);
  }
  // -k '': no unix socket (its default directory may not be writable); clients use TCP.
  const opts = `-p ${port} -c listen_addresses=127.0.0.1 -k ''`;
  const r = asOwner(join(bin, 'pg_ctl'), ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', opts]);
  if (r.status !== 0) throw new Error(`pg_ctl start failed on port ${port} (set JOBLEDGER_PG_PORT?):\n${r.stderr}\n${tail(logFile, 20)}`);
  log(`private Postgres cluster started on 127.0.0.1:${port} (${dataDir})`);
  ensureDatabase(port);
  return { databaseUrl: url(port, DATABASE), kind: 'private', started: true };
}

/**
 * Resolves { databaseUrl, kind: 'external'|'local'|'private', started } — `started` only when this call
 * launched the private cluster.
 */
export async function startPostgres() {
  const given = process.env.DATABASE_URL;
  if (given) {
    const r = psql(given, 'select 1');
    if (!r.ok) throw new Error(`DATABASE_URL does not answer: ${r.err}`);
    return { databaseUrl: given, kind: 'external', started: false };
  }
  const localPort = intEnv('PGPORT', 5432);
  const probe = psql(url(localPort, 'postgres'), 'select 1');
  if (probe.ok) {
    ensureDatabase(localPort);
    return { databaseUrl: url(localPort, DATABASE), kind: 'local', started: false };
  }
  log(`no local Postgres on 127.0.0.1:${localPort} (${probe.err.split('\n')[0]}); using a private cluster`);
  return startPrivate();
}

/** What startPostgres would pick, without starting anything; `note` mentions a private cluster left running. */
export function postgresStatus() {
  const given = process.env.DATABASE_URL;
  if (given) return { kind: 'external', databaseUrl: given, answers: psql(given, 'select 1').ok };
  const localPort = intEnv('PGPORT', 5432);
  const local = { kind: 'local', databaseUrl: url(localPort, DATABASE), answers: psql(url(localPort, 'postgres'), 'select 1').ok };
  let bin;
  try {
    bin = serverBinDir();
  } catch {
    return local;
  }
  if (!privateRunning(bin)) return local;
  const priv = { kind: 'private', databaseUrl: url(runningPort(), DATABASE) };
  if (local.answers) return { ...local, note: `private cluster also running at ${priv.databaseUrl}` };
  return { ...priv, answers: psql(url(runningPort(), 'postgres'), 'select 1').ok };
}

/** Stops the private cluster if it runs; never touches a server this project did not create. */
export function stopPostgres() {
  if (!existsSync(join(dataDir, 'PG_VERSION'))) return false;
  const bin = serverBinDir();
  if (!privateRunning(bin)) return false;
  const r = asOwner(join(bin, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w']);
  if (r.status !== 0) throw new Error(`pg_ctl stop failed: ${r.stderr}`);
  log('private Postgres cluster stopped');
  return true;
}
