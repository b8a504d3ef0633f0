import 'reflect-metadata';
import { loadConfigOrExit, startHttpService } from '@jobledger/platform';
import { ExecutionModule } from './app.module';
import { readExecutionConfig } from './config';

const config = loadConfigOrExit(() => readExecutionConfig());
void startHttpService(ExecutionModule.forRoot(config), config);
