import 'reflect-metadata';
import { loadConfigOrExit, migrateAndExit } from '@jobledger/platform';
import { readSubmissionConfig } from './config';
import { SUBMISSION_MIGRATIONS } from './migrations';

void migrateAndExit(loadConfigOrExit(() => readSubmissionConfig()), { migrations: SUBMISSION_MIGRATIONS });
