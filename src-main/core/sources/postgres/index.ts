/** The shared PostgreSQL task queue for teams (docs/postgres.md). */
export { clientConfigFrom, toSourceError } from './connection';
export { addPostgresNote, enqueuePostgresTask, type NewPostgresTask } from './enqueue';
export { type MigrationResult, migratePostgres, notifyChannel, schemaSql } from './migrations';
export { createPostgresSource, type PostgresSourceConfig, type PostgresSourceOptions, type PostgresTaskSource } from './source';
