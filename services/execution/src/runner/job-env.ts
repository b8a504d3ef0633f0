import { chownSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunAs } from './runner.types';

/** A fresh private directory (0700) that serves as the job's HOME and working directory. */
export function createJobHome(runAs?: RunAs): string {
  const home = mkdtempSync(join(tmpdir(), 'jobledger-run-'));
  if (runAs) chownSync(home, runAs.uid, runAs.gid);
  return home;
}

/**
 * The whole environment a runbook process starts with: nothing of the worker's (secrets live there),
 * and no NODE_OPTIONS that could change how the host runs.
 */
export function cleanEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    LANG: process.env.LANG ?? 'C.UTF-8',
  };
}
