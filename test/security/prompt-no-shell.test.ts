/**
 * Task text never reaches a shell: a prompt full of shell metacharacters,
 * added through the real CLI, arrives byte-identical in the agent, whether
 * the runtime passes it on stdin or as an argument — and the commands hidden
 * in it never run (a file-creating canary stays absent, a directory that a
 * hidden `rm -rf` names stays present).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalTask } from '@shared/task';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  cliJson,
  cliOk,
  FAKE_AGENT,
  killIfRunning,
  type RunningInstance,
  startRun,
  tempDir,
  waitFor,
} from '../cli/harness';

let dir: string;
let instance: RunningInstance | null = null;
const nonce = randomBytes(6).toString('hex');
const createCanary = `/tmp/ns-pwned-${nonce}`;
const backtickCanary = `/tmp/ns-pwned-bt-${nonce}`;
/** Stands in for `rm -rf ~`: the same shape, but what a shell would delete is a directory of our own. */
let deleteCanary: string;

beforeAll(() => assertBuilt());
beforeEach(async () => {
  dir = await tempDir('shell');
  deleteCanary = join(dir, 'keep-me');
  await mkdir(deleteCanary);
  await writeFile(join(deleteCanary, 'file'), 'still here');
});
afterEach(async () => {
  killIfRunning(instance);
  instance = null;
  await rm(dir, { recursive: true, force: true });
  await rm(createCanary, { force: true });
  await rm(backtickCanary, { force: true });
});

function hostilePrompt(): string {
  return [
    `$(touch ${createCanary}) ; rm -rf ${deleteCanary} ~ | \`touch ${backtickCanary}\` "' && > < * ? { } [ ] ! # ~`,
    `$HOME \${PATH} %PATH% ^ & | ;; $((1+1)) <(echo x) >(cat) 2>&1 >> /dev/null \\ \\\\ \\n '"'"'`,
    '\ttab  two  spaces\rcarriage return, then unicode:',
    'héllo wörld 世界 🚀 👩‍💻 e\u0301 \u202eRTL override\u202c \u200bzero-width \ufeffBOM Ω≈ç√ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
    '',
    'trailing newline follows',
    '',
  ].join('\n');
}

async function runOnce(promptVia: 'stdin' | 'arg'): Promise<{ sent: string; received: Buffer; file: string }> {
  const promptDir = join(dir, 'prompts');
  const command = promptVia === 'stdin' ? [process.execPath, FAKE_AGENT] : [process.execPath, FAKE_AGENT, '{prompt}'];
  const config = join(dir, 'nightshift.json');
  await writeFile(
    config,
    JSON.stringify({
      daemons: [
        {
          name: 'shell',
          source: { kind: 'local' },
          runtime: { kind: 'command', command, promptVia, env: { FAKE_AGENT_PROMPT_DIR: promptDir } },
          pollIntervalMs: 200,
          maxIdleBackoffMs: 1000,
          jitter: false,
        },
      ],
    }),
  );
  const dataDir = join(dir, 'data');
  instance = await startRun(['--config', config, '--data-dir', dataDir]);
  const sent = hostilePrompt();
  // An argument array, no shell: the prompt reaches the CLI as one argv entry, unchanged.
  const id = (await cliOk(['task', 'add', sent, '--title', 'hostile', '--data-dir', dataDir])).trim();
  await waitFor(
    async () => (await cliJson<LocalTask[]>(['tasks', '--data-dir', dataDir])).some((t) => t.id === id && t.status === 'done'),
    30_000,
    'the hostile task to finish',
    200,
  );
  const files = (await readdir(promptDir)).filter((f) => f.startsWith(`${id}-`));
  expect(files).toHaveLength(1);
  const file = join(promptDir, files[0]!);
  return { sent, received: await readFile(file), file };
}

describe('task text never reaches a shell', () => {
  for (const promptVia of ['stdin', 'arg'] as const) {
    it(`promptVia ${promptVia}: the prompt arrives byte-identical and nothing in it runs`, async () => {
      const { sent, received } = await runOnce(promptVia);
      expect(received.equals(Buffer.from(sent, 'utf8'))).toBe(true);
      expect(received.toString('utf8')).toBe(sent);
      expect(existsSync(createCanary)).toBe(false);
      expect(existsSync(backtickCanary)).toBe(false);
      expect(await readFile(join(deleteCanary, 'file'), 'utf8')).toBe('still here');
      instance?.child.kill('SIGTERM');
      expect((await instance?.exited)?.code).toBe(0);
    });
  }
});
