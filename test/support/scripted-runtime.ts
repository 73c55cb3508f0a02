/**
 * An AgentRuntime whose runs end when the test says so: the loop's logic is
 * tested without processes (the real runtimes have their own process tests).
 */
import type {
  AgentHandle,
  AgentOutcome,
  AgentRuntime,
  AgentStartSpec,
  Availability,
  StopReason,
} from '../../src-main/core/runtimes/port';

export interface ScriptedRun {
  spec: AgentStartSpec;
  finish(outcome: AgentOutcome): void;
  stoppedWith: StopReason | null;
}

export class ScriptedRuntime implements AgentRuntime {
  readonly name: string;
  readonly timeoutMs: number;
  readonly runs: ScriptedRun[] = [];
  availability: Availability = { available: true };
  private nextPid = 1000;

  constructor(name = 'command', timeoutMs = 2 * 60 * 60 * 1000) {
    this.name = name;
    this.timeoutMs = timeoutMs;
  }

  async checkAvailability(): Promise<Availability> {
    return this.availability;
  }

  start(spec: AgentStartSpec): AgentHandle {
    let resolve!: (o: AgentOutcome) => void;
    const done = new Promise<AgentOutcome>((r) => {
      resolve = r;
    });
    let settled = false;
    const run: ScriptedRun = {
      spec,
      stoppedWith: null,
      finish(outcome) {
        if (settled) return;
        settled = true;
        resolve(outcome);
      },
    };
    this.runs.push(run);
    return {
      pid: this.nextPid++,
      done,
      async stop(reason) {
        run.stoppedWith = reason;
        run.finish({ kind: 'stopped', reason });
      },
    };
  }

  /** Runs not yet finished. */
  live(): ScriptedRun[] {
    return this.runs.filter((r) => r.stoppedWith === null);
  }
}
