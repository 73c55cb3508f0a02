/** One remote-source row of bench/idle.ts, as measured. */
export interface SourceRow {
  name: string;
  /** Idle requests (HTTP requests or SQL statements) per day. */
  requestsPerDay: number;
  ticksPerDay: number;
  /** Pickup latencies in ms, sorted ascending; empty when skipped. */
  latencies: number[];
  /** How the row was measured, printed under the table. */
  note: string;
  skipped?: string;
}
