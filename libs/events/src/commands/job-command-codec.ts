import { JOB_COMMAND_TYPES } from '@jobledger/domain';
import type { JobCommand } from '@jobledger/domain';
import type { EventEnvelope } from '../envelope/envelope';
import { parseEnvelope } from '../envelope/event-codec';
import { InvalidEventError } from '../envelope/invalid-event.error';

/**
 * A command on one job, on the job-commands topic: the same envelope as an event, with an
 * imperative `type` (SPEC: `SuspendJob`, …) and `occurredAt` the time it was issued. The job's
 * single writer (the scheduling service) decides it against the job's state.
 */
export type CommandEnvelope = EventEnvelope<JobCommand['type'], JobCommand['data']> & { jobId: string };

/**
 * Commands are at version 1, but for a `CompleteJob` or `FailJob` that carries its start
 * (`started`): version 2, so that a scheduler older than that refuses it by its version instead
 * of refusing the end of a job it still holds Starting. A new shape gets a new version, as
 * events do; v1 is v2 without `started`, so no upcaster is needed.
 */
export const COMMAND_SCHEMA_VERSION = 1;
const COMMAND_VERSIONS: Partial<Record<JobCommand['type'], number>> = { CompleteJob: 2, FailJob: 2 };

function versionOf(command: JobCommand): number {
  return 'started' in command.data && command.data.started !== undefined ? 2 : COMMAND_SCHEMA_VERSION;
}

const COMMAND_TYPES = new Set<string>(JOB_COMMAND_TYPES);

export function decodeCommand(bytes: Buffer | string | null): CommandEnvelope {
  const raw = parseEnvelope(bytes);
  if (!COMMAND_TYPES.has(raw.type)) throw new InvalidEventError('UNKNOWN_TYPE', `unknown command type "${raw.type}"`);
  const known = COMMAND_VERSIONS[raw.type as JobCommand['type']] ?? COMMAND_SCHEMA_VERSION;
  if (raw.schemaVersion > known) {
    throw new InvalidEventError('UNSUPPORTED_VERSION', `${raw.type} v${raw.schemaVersion} is newer than this build knows (v${known})`);
  }
  if (typeof raw.jobId !== 'string' || raw.jobId === '') throw new InvalidEventError('INVALID_ENVELOPE', 'a command needs a jobId');
  if (typeof raw.data.at !== 'string') throw new InvalidEventError('INVALID_DATA', `${raw.type} lacks data field "at"`);
  return raw as unknown as CommandEnvelope;
}

/** The envelope of a command; the topic is the job-commands topic, keyed by the job id. */
export function commandEnvelope(command: JobCommand, meta: Omit<CommandEnvelope, 'type' | 'schemaVersion' | 'data'>): CommandEnvelope {
  return { ...meta, type: command.type, schemaVersion: versionOf(command), data: command.data } as CommandEnvelope;
}
