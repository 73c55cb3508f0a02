/**
 * What the core tells whoever holds it: the contract's pushed events plus
 * notices for a person (desktop notification, CLI log line).
 */
import type { EventPayloads } from '@shared/contract';

/** Something a person may want to be told about (desktop notification, CLI log line). */
export interface Notice {
  kind: 'task_done' | 'task_failed' | 'rate_limited' | 'unauthorized' | 'storage_fault' | 'runtime_unavailable';
  daemon: string;
  title: string;
  body: string;
}

export interface CoreEvents extends EventPayloads {
  notice: Notice;
}

export type CoreEventName = keyof CoreEvents;
