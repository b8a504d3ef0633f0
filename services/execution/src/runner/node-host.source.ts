/**
 * The program of a node runbook host, run as `node -e RUNBOOK_HOST_SOURCE` in its own process group.
 * It is a string (not a .js file next to this one) so that it needs no copy step into dist and runs the
 * same under Jest (TS sources) and from the compiled service. Plain CommonJS; no backticks or `${` inside.
 *
 * Protocol (IPC, JSON): host → worker `ready`, `records` { r: [stream, isoTime, valueJson][] },
 * `checkpoint` { id, json }, `done` { ok, json | type+message }; worker → host `start`, `checkpointed` { id }, `stop`.
 * The worker trusts none of it: the runbook shares this realm and may forge messages.
 */
export const RUNBOOK_HOST_SOURCE = String.raw`
'use strict';
process.title = 'jobledger-runbook-host'; // instead of this whole program in ps
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { pathToFileURL } = require('node:url');
const { format, inspect } = require('node:util');
const send = process.send.bind(process);
const stringify = JSON.stringify;
const controller = new AbortController();
const acks = new Map();
let buffer = [];
let bufferChars = 0;
let timer = null;
let started = false;
let checkpoints = 0;
let outputChars = 0;
let maxOutputChars = Infinity;

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
function emit(stream, value) {
  const json = toJson(value);
  outputChars += json.length;
  if (outputChars > maxOutputChars) { flush(); process.exit(86); }
  buffer.push([stream, new Date().toISOString(), json]);
  bufferChars += json.length;
  if (buffer.length >= 500 || bufferChars >= 65536) flush();
  else if (timer === null) timer = setTimeout(flush, 10);
}

const text = (msg) => (msg instanceof Error ? msg.message : msg);

function checkpoint(state, maxBytes) {
  let json;
  try { json = stringify(state); } catch (e) { json = undefined; }
  if (json === undefined) return Promise.reject(new TypeError('ctx.checkpoint(state) needs a JSON-serializable state'));
  const bytes = Buffer.byteLength(json);
  if (bytes > maxBytes) {
    return Promise.reject(new CheckpointTooLargeError('Checkpoint state is ' + bytes + ' bytes of JSON; the limit is ' + maxBytes + ' bytes'));
  }
  flush();
  const id = ++checkpoints;
  return new Promise((resolve) => { acks.set(id, resolve); send({ t: 'checkpoint', id: id, json: json }); });
}

function makeCtx(start) {
  return Object.freeze({
    output: (value) => emit('Output', value),
    warning: (msg) => emit('Warning', text(msg)),
    error: (msg) => emit('Error', text(msg)),
    verbose: (msg) => emit('Verbose', text(msg)),
    debug: (msg) => emit('Debug', text(msg)),
    progress: (percent, activity) => emit('Progress', { percent: percent, activity: activity }),
    checkpoint: (state) => checkpoint(state, start.maxCheckpointBytes),
    resumeState: start.resumeJson === null ? undefined : JSON.parse(start.resumeJson),
    signal: controller.signal,
    job: Object.freeze({ id: start.jobId, attempt: start.attempt }),
  });
}

function routeConsole() {
  console.log = console.info = (...args) => emit('Output', format(...args));
  console.warn = (...args) => emit('Warning', format(...args));
  console.error = (...args) => emit('Error', format(...args));
  console.debug = (...args) => emit('Debug', format(...args));
}

function fail(type, e) {
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : inspect(e);
  flush();
  send({ t: 'done', ok: false, type: type, message: String(message) });
}

// V8 reports a module's syntax error without its position; node --check prints it.
function syntaxErrorWhere(file) {
  const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', env: {} });
  const first = String(check.stderr || '').split('\n')[0];
  const match = /:(\d+)$/.exec(first);
  return match ? ' (line ' + match[1] + ')' : '';
}

async function run(start) {
  const file = path.join(process.cwd(), 'runbook.mjs');
  fs.writeFileSync(file, start.source);
  maxOutputChars = start.maxOutputBytes;
  routeConsole();
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
    result = await mod.default(JSON.parse(start.paramsJson), makeCtx(start));
  } catch (e) {
    return fail(e instanceof CheckpointTooLargeError ? 'CheckpointTooLarge' : 'RunbookError', e);
  }
  let json;
  try { json = stringify(result === undefined ? null : result); } catch (e) {
    return fail('RunbookError', 'The runbook result is not JSON-serializable: ' + e.message);
  }
  flush();
  send({ t: 'done', ok: true, json: json === undefined ? 'null' : json });
}

process.on('message', (m) => {
  if (m.t === 'start' && !started) { started = true; void run(m); }
  else if (m.t === 'checkpointed' && acks.has(m.id)) { acks.get(m.id)(); acks.delete(m.id); }
  else if (m.t === 'stop') controller.abort();
});
// The worker is gone: take the job's forks down too.
process.on('disconnect', () => { try { process.kill(-process.pid, 'SIGKILL'); } catch (e) {} process.exit(1); });
// Loading the first ES module initialises node's ESM loader (tens of ms); a warm host pays that before its job.
import('data:text/javascript,export default 0').then(() => send({ t: 'ready' }));
`;
