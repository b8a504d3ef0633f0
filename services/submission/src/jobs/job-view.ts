import { initialState } from '@jobledger/domain';
import type { JobEventData } from '@jobledger/domain';
import { evolveJobView } from '@jobledger/events';
import type { JobView } from '@jobledger/events';

/** The job as it stands right after submission: the fold of its JobSubmitted, as every read model folds it. */
export function submittedJobView(submitted: JobEventData<'JobSubmitted'>): JobView {
  const { view } = evolveJobView(null, initialState(), { type: 'JobSubmitted', data: submitted }, submitted.at);
  if (!view) throw new Error('a JobSubmitted always yields a view');
  return view;
}
