import { InitialSchema1732000000000 } from './1732000000000-initial-schema';
import { ReadApi1732100000000 } from './1732100000000-read-api';
import { HistoryAndDashboard1732200000000 } from './1732200000000-history-and-dashboard';
import { Replay1732300000000 } from './1732300000000-replay';
import { TimelineAsWritten1732500000000 } from './1732500000000-timeline-as-written';
import { OneIndexPerTimeline1732600000000 } from './1732600000000-one-index-per-timeline';

/** The query service's read model, in order. A rebuild applies the same list to a fresh schema. */
export const READ_MODEL_MIGRATIONS = [
  InitialSchema1732000000000, ReadApi1732100000000, HistoryAndDashboard1732200000000, Replay1732300000000, TimelineAsWritten1732500000000,
  OneIndexPerTimeline1732600000000,
];
