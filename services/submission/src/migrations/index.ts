import { InitialSchema1732000000000 } from './1732000000000-initial-schema';
import { WorkerGroups1732100000000 } from './1732100000000-worker-groups';
import { LiveJobViews1732200000000 } from './1732200000000-live-job-views';
import { Accounts1732300000000 } from './1732300000000-accounts';

export const SUBMISSION_MIGRATIONS = [InitialSchema1732000000000, WorkerGroups1732100000000, LiveJobViews1732200000000, Accounts1732300000000];
