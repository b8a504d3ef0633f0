import { InitialSchema1732000000000 } from './1732000000000-initial-schema';
import { ReadApi1732100000000 } from './1732100000000-read-api';

export const QUERY_MIGRATIONS = [InitialSchema1732000000000, ReadApi1732100000000];
