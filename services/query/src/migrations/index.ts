import { InitialSchema1732000000000 } from './1732000000000-initial-schema';
import { ReadApi1732100000000 } from './1732100000000-read-api';
import { HistoryAndDashboard1732200000000 } from './1732200000000-history-and-dashboard';

export const QUERY_MIGRATIONS = [InitialSchema1732000000000, ReadApi1732100000000, HistoryAndDashboard1732200000000];
