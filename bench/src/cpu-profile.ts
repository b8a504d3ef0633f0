import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of a V8 .cpuprofile (node --cpu-prof) this summary reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
  startTime: number;
  endTime: number;
}

export interface HotSpot {
  /** function (file:line), with the file shortened to its package or repository path */
  where: string;
  selfMs: number;
  percent: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Samples in idle or garbage collection, which V8 reports as pseudo-functions. */
  idleMs: number;
  gcMs: number;
  top: HotSpot[];
  /** Self time by package (node_modules/<pkg>), our code (libs/x, services/x) or node internals. */
  byArea: { area: string; selfMs: number; percent: number }[];
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const ours = /\/((?:libs|services|tools|bench)\/.*)$/.exec(url);
  if (ours) return ours[1];
  return url.replace(/^file:\/\//, '') || '(native)';
}

function area(url: string): string {
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  const ours = /\/((?:libs|services|tools|bench)\/[^/]+)\//.exec(url);
  if (ours) return ours[1];
  return url.startsWith('node:') ? 'node internals' : url === '' ? '(native/V8)' : 'other';
}

/** Self time per function and per area: where a process spent its CPU. Sample weight is the profile's duration over its samples. */
export function summarizeProfile(file: string, profile: CpuProfile, top = 12): ProfileSummary {
  const samples = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0);
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const msPerSample = samples === 0 ? 0 : totalMs / samples;
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let idleMs = 0;
  let gcMs = 0;
  for (const { callFrame, hitCount = 0 } of profile.nodes) {
    const ms = hitCount * msPerSample;
    if (ms === 0) continue;
    if (callFrame.functionName === '(idle)') idleMs += ms;
    else if (callFrame.functionName === '(garbage collector)') gcMs += ms;
    const where = `${callFrame.functionName || '(anonymous)'} (${shortUrl(callFrame.url)}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ''})`;
    byFunction.set(where, (byFunction.get(where) ?? 0) + ms);
    if (!['(idle)', '(program)', '(garbage collector)'].includes(callFrame.functionName)) byArea.set(area(callFrame.url), (byArea.get(area(callFrame.url)) ?? 0) + ms);
  }
  const busy = Math.max(totalMs - idleMs, 1e-9);
  const rank = <T extends { selfMs: number }>(items: T[]) => items.sort((a, b) => b.selfMs - a.selfMs);
  return {
    file,
    totalMs: Math.round(totalMs),
    idleMs: Math.round(idleMs),
    gcMs: Math.round(gcMs),
    top: rank([...byFunction].filter(([where]) => !where.startsWith('(idle)')).map(([where, selfMs]) => ({ where, selfMs: Math.round(selfMs), percent: Math.round((selfMs / busy) * 1000) / 10 }))).slice(0, top),
    byArea: rank([...byArea].map(([name, selfMs]) => ({ area: name, selfMs: Math.round(selfMs), percent: Math.round((selfMs / busy) * 1000) / 10 }))),
  };
}

export function summarizeProfiles(dir: string): ProfileSummary[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => summarizeProfile(f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile));
}
