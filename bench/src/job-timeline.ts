import { percentiles } from './stats';
import type { Percentiles } from './stats';

/** When each lifecycle event of one job happened (its envelope's occurredAt), epoch ms. */
export interface JobTimes {
  submitted?: number;
  assigned?: number;
  started?: number;
  completed?: number;
}

export interface LifecycleEvent {
  type: string;
  jobId?: string;
  occurredAt: string;
}

const MARKS: Record<string, keyof JobTimes> = {
  JobSubmitted: 'submitted',
  JobAssigned: 'assigned',
  JobStarted: 'started',
  JobCompleted: 'completed',
};

/** Collects the first time of each lifecycle mark per job from the job-events log. */
export class JobTimeline {
  readonly jobs = new Map<string, JobTimes>();

  add(event: LifecycleEvent): void {
    const mark = MARKS[event.type];
    if (!mark || !event.jobId) return;
    const times = this.jobs.get(event.jobId) ?? {};
    const at = Date.parse(event.occurredAt);
    if (Number.isNaN(at)) throw new Error(`event ${event.type} of job ${event.jobId} has no valid occurredAt: "${event.occurredAt}"`);
    if (times[mark] === undefined) times[mark] = at;
    this.jobs.set(event.jobId, times);
  }

  /** Milliseconds from one mark to another over the given jobs; a job missing either mark is an error, never left out. */
  between(jobIds: readonly string[], from: keyof JobTimes, to: keyof JobTimes): Percentiles {
    return percentiles(
      jobIds.map((id) => {
        const times = this.jobs.get(id);
        const start = times?.[from];
        const end = times?.[to];
        if (start === undefined || end === undefined) throw new Error(`job ${id} has no ${start === undefined ? from : to} event on the log`);
        return end - start;
      }),
    );
  }
}
