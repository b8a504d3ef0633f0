import type { ChildProcess } from 'node:child_process';
import type { RunSession } from './run-session';
import { STREAM_NAMES, type FailureType, type RunLimits, type StreamName } from './runner.types';

const HOST_FAILURE_TYPES: readonly FailureType[] = ['RunbookError', 'InvalidRunbook', 'CheckpointTooLarge'];
const MAX_MESSAGE_CHARS = 16 * 1024;

type Message = Record<string, unknown>;

/**
 * Applies one IPC message of a node host to its session. The runbook runs in the host's realm and can forge
 * any message, so every field is checked and the limits are enforced here, not in the host.
 */
export function applyHostMessage(session: RunSession, child: ChildProcess, limits: RunLimits, msg: unknown): void {
  if (session.isOver || typeof msg !== 'object' || msg === null) return;
  const m = msg as Message;
  if (m.t === 'records') acceptRecords(session, m.r);
  else if (m.t === 'checkpoint') acceptCheckpoint(session, child, limits, m);
  else if (m.t === 'done') acceptDone(session, m);
}

export function sendToHost(child: ChildProcess, msg: Message): void {
  if (child.connected) child.send(msg, () => undefined); // a closed channel shows up as the host's exit
}

function acceptRecords(session: RunSession, rows: unknown): void {
  if (!Array.isArray(rows)) return;
  for (const row of rows as unknown[]) {
    if (!Array.isArray(row) || !isStream(row[0]) || typeof row[2] !== 'string') continue;
    if (!session.countOutput(Buffer.byteLength(row[2]))) return;
    const value = parseJson(row[2]);
    if (value.ok) session.sink.push(row[0], value.value, isoTime(row[1]));
  }
}

function acceptCheckpoint(session: RunSession, child: ChildProcess, limits: RunLimits, m: Message): void {
  if (typeof m.id !== 'number' || typeof m.json !== 'string') return;
  const bytes = Buffer.byteLength(m.json);
  if (bytes > limits.maxCheckpointBytes) {
    const message = `Checkpoint state is ${bytes} bytes of JSON; the limit is ${limits.maxCheckpointBytes} bytes`;
    return session.fail('CheckpointTooLarge', message, 'runbook');
  }
  const state = parseJson(m.json);
  if (!state.ok) return session.fail('InvalidCheckpoint', 'The checkpoint state is not JSON', 'runbook');
  const id = m.id;
  session.sink.checkpoint(state.value).then(
    () => sendToHost(child, { t: 'checkpointed', id }),
    () => undefined, // the session fails the run with the hook's error
  );
}

/** `reusable`: the host says the job left nothing running in it; the session still checks what it can. */
function acceptDone(session: RunSession, m: Message): void {
  const keep = m.reusable === true;
  if (m.ok === true) {
    const result = typeof m.json === 'string' ? parseJson(m.json) : { ok: false as const };
    if (result.ok) return session.finish({ kind: 'completed', result: result.value }, keep);
    return session.fail('RunbookError', 'The runbook result is not JSON', 'runbook', keep);
  }
  const type = HOST_FAILURE_TYPES.find((t) => t === m.type) ?? 'RunbookError';
  const message = typeof m.message === 'string' ? m.message.slice(0, MAX_MESSAGE_CHARS) : 'The runbook failed';
  session.fail(type, message, 'runbook', keep);
}

function isStream(value: unknown): value is StreamName {
  return STREAM_NAMES.includes(value as StreamName);
}

function isoTime(value: unknown): string {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return new Date(Number.isNaN(ms) ? Date.now() : ms).toISOString();
}

function parseJson(json: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(json) as unknown };
  } catch {
    return { ok: false };
  }
}
