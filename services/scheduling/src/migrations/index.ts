import { InitialSchema1732000000000 } from './1732000000000-initial-schema';
import { WorkerGroups1732100000000 } from './1732100000000-worker-groups';
import { JobViews1732200000000 } from './1732200000000-job-views';
import { RunningSince1732300000000 } from './1732300000000-running-since';
import { RemoveWhenFinal1732400000000 } from './1732400000000-remove-when-final';
import { ActiveJobsIndex1732500000000 } from './1732500000000-active-jobs-index';
import { WaitingByAccount1732600000000 } from './1732600000000-waiting-by-account';

export const SCHEDULING_MIGRATIONS = [
  InitialSchema1732000000000,
  WorkerGroups1732100000000,
  JobViews1732200000000,
  RunningSince1732300000000,
  RemoveWhenFinal1732400000000,
  ActiveJobsIndex1732500000000,
  WaitingByAccount1732600000000,
];
