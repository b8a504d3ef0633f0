import 'reflect-metadata';
import { loadConfigOrExit, migrateAndExit } from '@jobledger/platform';
import { readExecutionConfig } from './config';
import { EXECUTION_MIGRATIONS } from './migrations';

void migrateAndExit(loadConfigOrExit(() => readExecutionConfig()), { migrations: EXECUTION_MIGRATIONS });
