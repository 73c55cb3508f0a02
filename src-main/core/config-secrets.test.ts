/**
 * Secrets in the config: where a token may come from, the warning for a
 * literal one, and the copy written to the data dir keeping none of them.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';
import { configWithoutSecrets, withoutPassword } from './config-secrets';

const daemon = (source: Record<string, unknown>, env: Record<string, string> = {}) => ({
  name: 'team',
  source,
  runtime: { kind: 'command', command: ['node', 'agent.js'], env },
});

describe('source tokens in the config', () => {
  it('tokenEnv and tokenSecret parse with no warning; a literal token warns once, naming the alternatives', () => {
    const viaEnv = parseConfig({ daemons: [daemon({ kind: 'http', url: 'http://127.0.0.1:1', tokenEnv: 'TEAM_TOKEN' })] });
    expect(viaEnv.warnings).toEqual([]);
    const viaKeychain = parseConfig({ daemons: [daemon({ kind: 'http', url: 'http://127.0.0.1:1', tokenSecret: 'team' })] });
    expect(viaKeychain.warnings).toEqual([]);
    const literal = parseConfig({ daemons: [daemon({ kind: 'http', url: 'http://127.0.0.1:1', token: 's3cret' })] }, 'cfg.json');
    expect(literal.warnings).toHaveLength(1);
    expect(literal.warnings[0]).toMatch(/source\.token is a secret in plaintext in cfg\.json; use "tokenEnv"/);
  });

  it('refuses two token sources at once and a tokenEnv that is not a variable name', () => {
    expect(() =>
      parseConfig({ daemons: [daemon({ kind: 'http', url: 'http://127.0.0.1:1', token: 'x', tokenEnv: 'T' })] }),
    ).toThrow(/daemons\[0\]\.source\.tokenEnv: give one of "token", "tokenEnv", not both/);
    expect(() => parseConfig({ daemons: [daemon({ kind: 'http', url: 'http://127.0.0.1:1', tokenEnv: 'A-B' })] })).toThrow(
      /tokenEnv: an environment variable name/,
    );
  });

  it('workspaceRoot and workspaceRoots must be absolute, without ".." segments', () => {
    expect(() => parseConfig({ daemons: [daemon({ kind: 'local' })], workspaceRoots: ['rel/dir'] })).toThrow(
      /workspaceRoots\[0\]: must be an absolute path/,
    );
    expect(() => parseConfig({ daemons: [daemon({ kind: 'local' })], workspaceRoot: '/a/../b' })).toThrow(
      /workspaceRoot: must not contain "\." or "\.\." segments/,
    );
    expect(parseConfig({ daemons: [daemon({ kind: 'local' })] }).config.workspaceRoots).toEqual([]);
  });
});

describe('configWithoutSecrets (what run-config.json keeps)', () => {
  it('drops a literal token, agent env values and a PostgreSQL password; keeps everything else', () => {
    const { config } = parseConfig({
      daemons: [
        daemon({ kind: 'http', url: 'http://127.0.0.1:1', token: 'literal-token' }, { API_KEY: 'agent-key' }),
        { ...daemon({ kind: 'postgres', connectionString: 'postgres://me:pg-pass@db/team' }), name: 'pg' },
        { ...daemon({ kind: 'http', url: 'http://127.0.0.1:1', tokenEnv: 'TEAM_TOKEN' }), name: 'env' },
      ],
    });
    const text = JSON.stringify(configWithoutSecrets(config));
    for (const secret of ['literal-token', 'agent-key', 'pg-pass']) expect(text).not.toContain(secret);
    const saved = configWithoutSecrets(config);
    expect(saved.daemons.map((d) => d.name)).toEqual(['team', 'pg', 'env']);
    expect(saved.daemons[2]!.source).toMatchObject({ kind: 'http', tokenEnv: 'TEAM_TOKEN' });
    expect(parseConfig(JSON.parse(text)).config.daemons).toHaveLength(3); // still a valid config for offline commands
  });

  it('strips passwords from both connection string forms', () => {
    expect(withoutPassword('postgres://me:pw@db:5433/team?sslmode=require')).toBe('postgres://me@db:5433/team?sslmode=require');
    expect(withoutPassword('postgresql:///team?host=/run/pg&password=pw')).toBe('postgresql:///team?host=%2Frun%2Fpg');
    expect(withoutPassword("host=db password='it\\'s' dbname=team")).toBe('host=db dbname=team');
    expect(withoutPassword('host=db password=pw dbname=team')).toBe('host=db dbname=team');
  });
});
