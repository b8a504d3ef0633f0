export { isolatedDatabase } from './isolated-database';
export type { IsolatedDatabase } from './isolated-database';
export { isolatedTopics } from './isolated-topics';
export type { IsolatedTopics } from './isolated-topics';
export { testPlatformConfig } from './test-config';
export { delivered, submitted } from './job-events';
export { eventually } from './eventually';
export { startStack } from './stack';
export type { Stack, StackOptions } from './stack';
