import { describe, expect, it } from 'vitest';
import { SourceError } from '../../errors';
import { clientConfigFrom, toSourceError } from './connection';

describe('clientConfigFrom', () => {
  it('passes URLs through to node-postgres', () => {
    expect(clientConfigFrom(' postgres://me@db.example/team ', { env: {}, osUser: () => 'x' })).toEqual({
      connectionString: 'postgres://me@db.example/team',
    });
  });

  it("converts libpq's keyword/value form, quoted values included", () => {
    expect(
      clientConfigFrom("host=/var/run/postgresql port=5433 dbname=team user=me password='it\\'s secret' connect_timeout=5", {
        env: {},
        osUser: () => 'x',
      }),
    ).toEqual({
      host: '/var/run/postgresql',
      port: 5433,
      database: 'team',
      user: 'me',
      password: "it's secret",
      connectionTimeoutMillis: 5000,
    });
  });

  it("with no user anywhere, uses libpq's rule: PGUSER, else the OS user name (not $USER)", () => {
    const osUser = () => 'osname';
    const noEnv = { env: {}, osUser };
    expect(clientConfigFrom('postgresql:///team?host=/var/run/postgresql', noEnv)).toEqual({
      connectionString: 'postgresql:///team?host=%2Fvar%2Frun%2Fpostgresql&user=osname',
    });
    expect(clientConfigFrom('host=/var/run/postgresql dbname=team', noEnv)).toMatchObject({ user: 'osname' });
    // PGUSER is read by node-postgres itself; a user in the string always wins.
    expect(clientConfigFrom('postgresql:///team', { env: { PGUSER: 'pg' }, osUser }).user).toBeUndefined();
    expect(clientConfigFrom('postgresql://me@/team', noEnv).user).toBeUndefined();
    expect(clientConfigFrom('postgresql:///team?user=me', noEnv).user).toBeUndefined();
    expect(clientConfigFrom('user=me dbname=team', noEnv).user).toBe('me');
  });

  it('names an unsupported keyword', () => {
    expect(() => clientConfigFrom('host=x frobnicate=1')).toThrow(/unsupported keyword "frobnicate"/);
  });
});

describe('toSourceError', () => {
  it('classifies by SQLSTATE: auth and missing database are config problems, overload is a rate limit', () => {
    expect(toSourceError({ code: '28P01', message: 'password authentication failed' }, 'claim').kind).toBe('unauthorized');
    expect(toSourceError({ code: '3D000', message: 'database "x" does not exist' }, 'claim').kind).toBe('unauthorized');
    expect(toSourceError({ code: '53300', message: 'too many clients' }, 'claim').kind).toBe('rate_limited');
    expect(toSourceError({ code: '57P01', message: 'terminating connection' }, 'claim').kind).toBe('transient');
    expect(toSourceError(new Error('connect ECONNREFUSED'), 'get').kind).toBe('transient');
  });

  it('says which operation failed and keeps an already-classified error', () => {
    const err = toSourceError({ code: '40001', message: 'could not serialize' }, 'complete');
    expect(err.message).toBe('postgres complete: could not serialize [40001]');
    const original = new SourceError('unauthorized', 'x');
    expect(toSourceError(original, 'get')).toBe(original);
  });
});
