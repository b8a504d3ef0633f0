import { logLevel } from 'kafkajs';
import type { logCreator } from 'kafkajs';

export type LogSink = (level: 'error' | 'warn' | 'info' | 'debug', message: string, fields: Record<string, unknown>) => void;

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  // kafkajs' INFO is chatty (joins, stops); keep it out of info-level service logs.
  [logLevel.INFO]: 'debug',
  [logLevel.DEBUG]: 'debug',
};

/** Routes kafkajs' own logs into our structured logger instead of its console output. */
export function kafkajsLogCreator(sink: LogSink): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, ...fields } = log;
      sink(LEVELS[level] ?? 'info', `kafkajs ${namespace}: ${message}`, fields);
    };
}
