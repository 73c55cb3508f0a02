/** Shared by the runtime tests: temp dirs, a task/spec builder, event capture, process liveness. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Task } from '@shared/task';
import type { AgentEvent, AgentStartSpec } from '../../src-main/core/runtimes/port';

export const FIXTURES = resolve(__dirname, '../fixtures');
export const FAKE_AGENT = join(FIXTURES, 'fake-agent.mjs');
export const FAKE_CLIS = join(FIXTURES, 'fake-clis');
export const SAMPLES = join(FIXTURES, 'samples');

export async function tempDir(prefix = 'ns-rt-'): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

export function makeTask(prompt: string, id = 't_1'): Task {
  return { id, title: prompt.split('\n')[0]!.slice(0, 40), prompt, status: 'in_progress', created_at: new Date(0).toISOString() };
}

export interface SpecWithEvents {
  spec: AgentStartSpec;
  events: AgentEvent[];
}

export function makeSpec(dir: string, prompt: string, overrides: Partial<AgentStartSpec> = {}): SpecWithEvents {
  const events: AgentEvent[] = [];
  const spec: AgentStartSpec = {
    sessionId: 's_1',
    task: makeTask(prompt),
    prompt,
    isResume: false,
    resumeToken: null,
    cwd: dir,
    logPath: join(dir, 'logs', 's_1.log'),
    onEvent: (e) => events.push(e),
    ...overrides,
  };
  return { spec, events };
}

/** Resolves once an event matching `predicate` has been seen. */
export async function waitForEvent(events: AgentEvent[], predicate: (e: AgentEvent) => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = events.find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching event in ${JSON.stringify(events)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A process is live when it exists and is not a zombie (PID 1 here may not reap orphans). */
export async function isLive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return false;
  const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  return state !== 'Z' && state !== 'X';
}

export async function readJsonLines<T>(path: string): Promise<T[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}
