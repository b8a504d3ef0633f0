import 'reflect-metadata';
import { loadConfigOrExit, startHttpService } from '@jobledger/platform';
import { SubmissionModule } from './app.module';
import { readSubmissionConfig } from './config';

const config = loadConfigOrExit(() => readSubmissionConfig());
void startHttpService(SubmissionModule.forRoot(config), config);
