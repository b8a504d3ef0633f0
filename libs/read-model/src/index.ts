export { READ_MODEL_MIGRATIONS } from './migrations';
export { ReadModelProjector, chainSha256, jobChangesChannel } from './read-model.projector';
export { createWorkerGroupsTableSql, createWorkersTableSql, projectWorkerEvent } from './worker-events.projection';
export { PROJECTED_TABLES, compareReadModels } from './compare-read-models';
export type { RowDifference, TableComparison } from './compare-read-models';
export { READ_MODEL_CONSUMER, readModelTopics, rebuildReadModel, replayReadModel } from './rebuild-read-model';
export type { RebuildReport, RebuildSettings, ReplayReport, ReplaySettings, SkippedEvent } from './rebuild-read-model';
