import 'reflect-metadata';
import { loadConfigOrExit, migrateAndExit } from '@jobledger/platform';
import { readQueryConfig } from './config';
import { READ_MODEL_MIGRATIONS } from '@jobledger/read-model';

void migrateAndExit(loadConfigOrExit(() => readQueryConfig()), { migrations: READ_MODEL_MIGRATIONS });
