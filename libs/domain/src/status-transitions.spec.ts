import { COMMAND_RULES, FORCED_REMOVE_FROM } from './command-rules';
import type { JobCommand } from './job-command';
import { JOB_COMMAND_TYPES } from './job-command';
import { decide } from './job-decide';
import { evolve } from './job-evolve';
import { FINAL_STATUSES, JOB_STATUSES, isFinalStatus, type JobStatus } from './job-status';
import { STATUS_TRANSITIONS, canTransition } from './status-transitions';
import { sampleCommand, stateIn } from './testing/job-fixtures';

// Copied verbatim from SPEC §2.
const SPEC_TRANSITIONS =
  'Queued→Starting|Stopped; Starting→Running|Failed|Stopped; ' +
  'Running→Completed|Failed|Stopping|Suspending|Suspended|RunningWaitingForResources; ' +
  'RunningWaitingForResources→Starting|FailedWaitingForResources|Stopped; Suspending→Suspended|Completed|Failed|Stopping; ' +
  'Suspended→Resuming|Stopped; Resuming→Starting|Stopped; Stopping→Stopped|Completed|Failed';

const edges = (graph: { [S in JobStatus]?: readonly JobStatus[] }) =>
  Object.entries(graph).flatMap(([from, tos]) => (tos ?? []).map((to) => `${from}→${to}`)).sort();

function specEdges(): string[] {
  return SPEC_TRANSITIONS.split('; ').flatMap((clause) => {
    const [from, tos] = clause.split('→');
    return tos.split('|').map((to) => `${from}→${to}`);
  }).sort();
}

/** Every decision any command can make from any status, with the statuses it passes through. */
function everyDecision(): { status: JobStatus; path: JobStatus[] }[] {
  const commands: JobCommand[] = JOB_COMMAND_TYPES.filter((t) => t !== 'SubmitJob').map((t) => sampleCommand(t));
  commands.push(sampleCommand('RemoveJob', { force: true }), sampleCommand('UnloadJob'));
  return JOB_STATUSES.flatMap((status) =>
    commands.flatMap((command) => {
      let state = stateIn(status);
      try {
        const path = decide(command, state).map((event) => (state = evolve(state, event)).status!);
        return [{ status, path }];
      } catch {
        return [];
      }
    }),
  );
}

describe('the status graph', () => {
  it('is SPEC §2 plus the Queued→Failed edge of SPEC §1 and Starting→RunningWaitingForResources for a lost worker', () => {
    expect(edges(STATUS_TRANSITIONS)).toEqual([...specEdges(), 'Queued→Failed', 'Starting→RunningWaitingForResources'].sort());
  });

  it.each(FINAL_STATUSES)('has no way out of %s', (status) => {
    expect(STATUS_TRANSITIONS[status]).toEqual([]);
    expect(JOB_STATUSES.some((to) => canTransition(status, to))).toBe(false);
  });

  it('has a way out of every status that is not final', () => {
    for (const status of JOB_STATUSES.filter((s) => !isFinalStatus(s))) {
      expect(STATUS_TRANSITIONS[status].length).toBeGreaterThan(0);
    }
  });

  it('lets decide change a status only along its edges', () => {
    for (const { status, path } of everyDecision()) {
      let from = status;
      for (const to of path) {
        expect(to === from || canTransition(from, to)).toBe(true);
        from = to;
      }
    }
  });

  it('allows no command but RemoveJob from a final status', () => {
    for (const [command, rule] of Object.entries(COMMAND_RULES)) {
      const fromFinal = rule.allowedFrom.filter(isFinalStatus);
      expect(fromFinal).toEqual(command === 'RemoveJob' ? FINAL_STATUSES : []);
    }
    expect(FORCED_REMOVE_FROM.filter(isFinalStatus)).toEqual(FINAL_STATUSES);
  });
});
