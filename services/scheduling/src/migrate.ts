import 'reflect-metadata';
import { loadConfigOrExit, migrateAndExit } from '@jobledger/platform';
import { readSchedulingConfig } from './config';
import { SCHEDULING_MIGRATIONS } from './migrations';

void migrateAndExit(loadConfigOrExit(() => readSchedulingConfig()), { migrations: SCHEDULING_MIGRATIONS });
