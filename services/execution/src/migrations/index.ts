import { InitialSchema1732000000000 } from './1732000000000-initial-schema';
import { JobProgress1732200000000 } from './1732200000000-job-progress';
import { SpecPositions1732400000000 } from './1732400000000-spec-positions';

export const EXECUTION_MIGRATIONS = [InitialSchema1732000000000, JobProgress1732200000000, SpecPositions1732400000000];
