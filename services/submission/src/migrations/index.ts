import { InitialSchema1732000000000 } from './1732000000000-initial-schema';

export const SUBMISSION_MIGRATIONS = [InitialSchema1732000000000];
