/**
 * The processes of the crash harness: a `nightshift run` that can be killed
 * with SIGKILL at any moment (also before it says it is running), and a
 * /proc scan that finds every fixture agent of this harness by its
 * environment, so that agents of a killed run are found even when they never
 * got to write their "start" line or their pid into the database.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { BIN, ROOT } from '../../cli/harness';

export interface CrashableRun {
  child: ChildProcessWithoutNullStreams;
  /** Resolves true once the run logged " running N daemon(s)" (reconciliation of leftovers is done by then). */
  ready: Promise<boolean>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  isRunning(): boolean;
  /** kill -9 of the runner only: its agents lead their own process groups and survive, as after a real crash. */
  crash(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;

export function spawnRun(args: string[]): CrashableRun {
  const child = spawn(process.execPath, [BIN, 'run', ...args], { cwd: ROOT, env: process.env });
  let stderr = '';
  child.stdout.resume();
  child.stdin.end();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let running = true;
  void exited.then(() => {
    running = false;
  });
  const ready = new Promise<boolean>((resolve) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/ running \d+ daemon/.test(stderr)) resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  // A run that neither starts nor exits would hang the harness: kill it and say so.
  const startTimer = setTimeout(() => {
    if (/ running \d+ daemon/.test(stderr)) return;
    process.stderr.write(`nightshift run did not start within ${START_TIMEOUT_MS} ms; killing it. stderr:\n${stderr}\n`);
    child.kill('SIGKILL');
  }, START_TIMEOUT_MS);
  void exited.then(() => clearTimeout(startTimer));
  void ready.then(() => clearTimeout(startTimer));
  return {
    child,
    ready,
    exited,
    stderr: () => stderr,
    isRunning: () => running,
    async crash() {
      if (running) child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface AgentProcess {
  pid: number;
  pgid: number;
  sessionId: string | null;
}

/**
 * Live (non-zombie) processes whose environment carries FAKE_AGENT_LOG=`agentLog`:
 * the fixture agents of this harness and anything they spawned.
 */
export async function findAgentProcesses(agentLog: string): Promise<AgentProcess[]> {
  const marker = `FAKE_AGENT_LOG=${agentLog}`;
  const found: AgentProcess[] = [];
  const entries = (await readdir('/proc')).filter((e) => /^\d+$/.test(e));
  await Promise.all(
    entries.map(async (entry) => {
      try {
        const [stat, environ] = await Promise.all([
          readFile(`/proc/${entry}/stat`, 'utf8'),
          readFile(`/proc/${entry}/environ`, 'utf8'),
        ]);
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (fields[0] === 'Z') return;
        const vars = environ.split('\0');
        if (!vars.includes(marker)) return;
        const session = vars.find((v) => v.startsWith('NIGHTSHIFT_SESSION_ID='));
        found.push({ pid: Number(entry), pgid: Number(fields[2]), sessionId: session ? session.slice(22) : null });
      } catch {
        // Gone meanwhile, or not ours to read.
      }
    }),
  );
  return found;
}

/** Ends whatever a failed harness run left behind (agents of this harness only). */
export async function killAgentProcesses(agentLog: string): Promise<void> {
  for (const p of await findAgentProcesses(agentLog)) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
