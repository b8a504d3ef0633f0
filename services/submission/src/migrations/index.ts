import { InitialSchema1732000000000 } from './1732000000000-initial-schema';
import { WorkerGroups1732100000000 } from './1732100000000-worker-groups';

export const SUBMISSION_MIGRATIONS = [InitialSchema1732000000000, WorkerGroups1732100000000];
