import 'reflect-metadata';
import { loadConfigOrExit, startHttpService } from '@jobledger/platform';
import { QueryModule } from './app.module';
import { readQueryConfig } from './config';

const config = loadConfigOrExit(() => readQueryConfig());
void startHttpService(QueryModule.forRoot(config), config);
