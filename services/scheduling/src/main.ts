import 'reflect-metadata';
import { loadConfigOrExit, startHttpService } from '@jobledger/platform';
import { SchedulingModule } from './app.module';
import { readSchedulingConfig } from './config';

const config = loadConfigOrExit(() => readSchedulingConfig());
void startHttpService(SchedulingModule.forRoot(config), config);
