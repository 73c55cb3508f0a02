export type { HttpSourceConfig, HttpSourceOptions, HttpTaskSource, ReportOptions } from './http-source';
export { createHttpSource } from './http-source';
export { parseRetryAfter } from './retry-after';
