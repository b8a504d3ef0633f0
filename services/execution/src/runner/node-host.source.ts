/**
 * The program of a node runbook host, run as `node -e RUNBOOK_HOST_SOURCE` in its own process group.
 * It is a string (not a .js file next to this one) so that it needs no copy step into dist and runs the
 * same under Jest (TS sources) and from the compiled service. Plain CommonJS; no backticks or `${` inside.
 *
 * Protocol (IPC, JSON): host → worker `ready`, `records` { r: [stream, isoTime, valueJson][] },
 * `checkpoint` { id, json }, `done` { ok, json | type+message, reusable }; worker → host `start`
 * { home, endMark, … }, `checkpointed` { id }, `stop`.
 * The worker trusts none of it: the runbook shares this realm and may forge messages.
 *
 * A host may run several jobs one after another (host-pool.ts): each job gets its own home as cwd and
 * HOME, a fresh environment, a fresh instance of its module and its own ctx; a ctx of an ended job is
 * dead. After `done` the host writes the job's end mark on stdout and on stderr, so the worker knows
 * that everything the job wrote to them has arrived. `reusable` says the job left nothing running in
 * the host (no timers, sockets, servers, child processes or pending requests that keep it alive).
 */
/** The file the host writes each job's runbook module to, in the job's home (named in the program below). */
export const RUNBOOK_FILE = 'runbook.mjs';

export const RUNBOOK_HOST_SOURCE = String.raw`
'use strict';
process.title = 'jobledger-runbook-host'; // instead of this whole program in ps
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { pathToFileURL } = require('node:url');
const { format, inspect } = require('node:util');
const { AsyncLocalStorage } = require('node:async_hooks');
const send = process.send.bind(process);
const stringify = JSON.stringify;
const writeOut = process.stdout.write.bind(process.stdout);
const writeErr = process.stderr.write.bind(process.stderr);
const initialEnv = Object.assign({}, process.env);
let buffer = [];
let bufferChars = 0;
let timer = null;
let checkpoints = 0;
let job = null; // the job running now: { start, controller, acks, outputChars }
const jobOfCode = new AsyncLocalStorage(); // the job whose code is running (timers and promises keep it)
let idleResources = [];

class CheckpointTooLargeError extends Error {}
CheckpointTooLargeError.prototype.name = 'CheckpointTooLarge';

function flush() {
  if (timer !== null) { clearTimeout(timer); timer = null; }
  if (buffer.length === 0) return;
  send({ t: 'records', r: buffer });
  buffer = [];
  bufferChars = 0;
}

function toJson(value) {
  try {
    const json = stringify(value === undefined ? null : value);
    return json === undefined ? 'null' : json;
  } catch (e) {
    return stringify(inspect(value));
  }
}

// Exit code 86 = over the output limit (node-run.ts). Counted here too, so that a runbook that never
// yields cannot outrun the worker's own count by flooding the IPC channel.
function emit(of, stream, value) {
  if (of !== job || !of) return; // a ctx (or console) of an ended job is dead
  const json = toJson(value);
  of.outputChars += json.length;
  if (of.outputChars > of.start.maxOutputBytes) { flush(); process.exit(86); }
  buffer.push([stream, new Date().toISOString(), json]);
  bufferChars += json.length;
  if (buffer.length >= 500 || bufferChars >= 65536) flush();
  else if (timer === null) timer = setTimeout(flush, 10);
}

const text = (msg) => (msg instanceof Error ? msg.message : msg);

function checkpoint(of, state) {
  if (of !== job) return Promise.reject(new Error('ctx.checkpoint() was called after its job ended'));
  const maxBytes = of.start.maxCheckpointBytes;
  let json;
  try { json = stringify(state); } catch (e) { json = undefined; }
  if (json === undefined) return Promise.reject(new TypeError('ctx.checkpoint(state) needs a JSON-serializable state'));
  const bytes = Buffer.byteLength(json);
  if (bytes > maxBytes) {
    return Promise.reject(new CheckpointTooLargeError('Checkpoint state is ' + bytes + ' bytes of JSON; the limit is ' + maxBytes + ' bytes'));
  }
  flush();
  const id = ++checkpoints;
  return new Promise((resolve) => { of.acks.set(id, resolve); send({ t: 'checkpoint', id: id, json: json }); });
}

function makeCtx(of) {
  const start = of.start;
  return Object.freeze({
    output: (value) => emit(of, 'Output', value),
    warning: (msg) => emit(of, 'Warning', text(msg)),
    error: (msg) => emit(of, 'Error', text(msg)),
    verbose: (msg) => emit(of, 'Verbose', text(msg)),
    debug: (msg) => emit(of, 'Debug', text(msg)),
    progress: (percent, activity) => emit(of, 'Progress', { percent: percent, activity: activity }),
    checkpoint: (state) => checkpoint(of, state),
    resumeState: start.resumeJson === null ? undefined : JSON.parse(start.resumeJson),
    signal: of.controller.signal,
    job: Object.freeze({ id: start.jobId, attempt: start.attempt }),
  });
}

// Console output goes to the job whose code calls it, and only while that job runs.
console.log = console.info = (...args) => emit(jobOfCode.getStore(), 'Output', format(...args));
console.warn = (...args) => emit(jobOfCode.getStore(), 'Warning', format(...args));
console.error = (...args) => emit(jobOfCode.getStore(), 'Error', format(...args));
console.debug = (...args) => emit(jobOfCode.getStore(), 'Debug', format(...args));

function fail(type, e) {
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : inspect(e);
  return { t: 'done', ok: false, type: type, message: String(message) };
}

// What keeps the host alive beyond its IPC channel and stdio: anything more is the ended job's.
function activeResources() {
  return process.getActiveResourcesInfo().filter((name) => name !== 'TTYWrap').sort();
}

function leftNothingRunning() {
  const now = activeResources();
  return now.length === idleResources.length && now.every((name, i) => name === idleResources[i]);
}

// Ends the job: its result, then its end mark on both pipes; the ctx it had is dead from here on.
function end(of, done) {
  flush();
  job = null;
  setImmediate(() => {
    done.reusable = leftNothingRunning();
    send(done);
    writeOut(of.start.endMark + '\n');
    writeErr(of.start.endMark + '\n');
  });
}

function enter(start) {
  process.chdir(start.home);
  for (const name of Object.keys(process.env)) delete process.env[name];
  Object.assign(process.env, initialEnv, { HOME: start.home });
}

// V8 reports a module's syntax error without its position; node --check prints it.
function syntaxErrorWhere(file) {
  const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', env: {} });
  const first = String(check.stderr || '').split('\n')[0];
  const match = /:(\d+)$/.exec(first);
  return match ? ' (line ' + match[1] + ')' : '';
}

async function run(of) {
  end(of, await attempt(of));
}

async function attempt(of) {
  const start = of.start;
  enter(start);
  // A new file per job (each job has its own home): a fresh instance of the module, never a cached one.
  const file = path.join(start.home, 'runbook.mjs');
  fs.writeFileSync(file, start.source);
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (e) {
    if (e instanceof SyntaxError) return fail('InvalidRunbook', new SyntaxError(e.message + syntaxErrorWhere(file)));
    return fail(e && e.code === 'ERR_MODULE_NOT_FOUND' ? 'InvalidRunbook' : 'RunbookError', e);
  }
  if (typeof mod.default !== 'function') {
    return fail('InvalidRunbook', 'A node runbook must export a default async function (params, ctx) => result');
  }
  let result;
  try {
    result = await mod.default(JSON.parse(start.paramsJson), makeCtx(of));
  } catch (e) {
    return fail(e instanceof CheckpointTooLargeError ? 'CheckpointTooLarge' : 'RunbookError', e);
  }
  let json;
  try { json = stringify(result === undefined ? null : result); } catch (e) {
    return fail('RunbookError', 'The runbook result is not JSON-serializable: ' + e.message);
  }
  return { t: 'done', ok: true, json: json === undefined ? 'null' : json };
}

process.on('message', (m) => {
  if (m.t === 'start' && job === null) {
    const of = { start: m, controller: new AbortController(), acks: new Map(), outputChars: 0 };
    job = of;
    jobOfCode.run(of, () => void run(of));
  } else if (job === null) return;
  else if (m.t === 'checkpointed' && job.acks.has(m.id)) { job.acks.get(m.id)(); job.acks.delete(m.id); }
  else if (m.t === 'stop') job.controller.abort();
});
// The worker is gone: take the job's forks down too.
process.on('disconnect', () => { try { process.kill(-process.pid, 'SIGKILL'); } catch (e) {} process.exit(1); });
// Loading the first ES module initialises node's ESM loader (tens of ms); a warm host pays that before its job.
import('data:text/javascript,export default 0').then(() => {
  idleResources = activeResources();
  send({ t: 'ready' });
});
`;
