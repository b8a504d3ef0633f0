import 'reflect-metadata';
import { loadConfigOrExit, migrateAndExit } from '@jobledger/platform';
import { readQueryConfig } from './config';
import { QUERY_MIGRATIONS } from './migrations';

void migrateAndExit(loadConfigOrExit(() => readQueryConfig()), { migrations: QUERY_MIGRATIONS });
