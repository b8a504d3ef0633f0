import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { cleanEnv, createJobHome } from './job-env';
import { RUNBOOK_HOST_SOURCE } from './node-host.source';
import { LoneGroup, signalGroup } from './process-group';
import type { RunAs } from './runner.types';

/** A forked node runbook host: one job at a time, and more than one only of the same account and runbook version (host-pool.ts). */
export interface NodeHost {
  child: ChildProcess;
  /** The home it was started in, which its first job gets. */
  home: string;
  memoryMb: number;
  /** Jobs it was given so far. */
  jobs: number;
  /** true once the host can take a job; false when it died first. */
  ready: Promise<boolean>;
  /** Whether a job left a process in the host's group. */
  group: LoneGroup;
}

export function spawnNodeHost(memoryMb: number, runAs?: RunAs): NodeHost {
  const group = new LoneGroup();
  const home = createJobHome(runAs);
  const child = spawn(process.execPath, [`--max-old-space-size=${memoryMb}`, '-e', RUNBOOK_HOST_SOURCE], {
    cwd: home,
    env: cleanEnv(home),
    detached: true, // own process group: the job's forks die with it
    ...runAs,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // Surfaced through `ready` and the session; an unhandled 'error' event would crash the worker.
  for (const emitter of [child, child.stdout, child.stderr]) emitter?.on('error', () => undefined);
  const ready = new Promise<boolean>((resolve) => {
    const onMessage = (msg: unknown): void => {
      if ((msg as { t?: unknown } | null)?.t !== 'ready') return;
      child.off('message', onMessage);
      resolve(true);
    };
    child.on('message', onMessage);
    child.once('exit', () => resolve(false));
    child.once('error', () => resolve(false));
  });
  return { child, home, memoryMb, jobs: 0, ready, group };
}

/** Idle hosts must not keep the worker's event loop alive. */
export function setIdle(host: NodeHost, idle: boolean): void {
  const handles = [host.child, host.child.channel, host.child.stdout, host.child.stderr] as unknown as ({
    ref?: () => void;
    unref?: () => void;
  } | null)[];
  for (const handle of handles) (idle ? handle?.unref : handle?.ref)?.call(handle);
}

export function discardHost(host: NodeHost): void {
  signalGroup(host.child.pid);
  void rm(host.home, { recursive: true, force: true });
}
