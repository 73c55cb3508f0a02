/**
 * The bearer token from an environment variable or the keychain port, against
 * the fixture server that requires it: used on every request, and a missing
 * one is "unauthorized" naming what to set, before any request is sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../src-main/core/errors';
import { createHttpSource, type HttpTaskSource } from '../../src-main/core/sources/http';
import { startTaskServer, type TaskServer } from '../fixtures/task-server/server';
import { httpConfig } from './helpers';

let server: TaskServer;
let source: HttpTaskSource;

afterEach(async () => {
  await source?.close();
  await server?.close();
});

describe('bearer token sources', () => {
  it('tokenEnv: read from the named variable, sent on every request', async () => {
    server = await startTaskServer({ token: 'team-token' });
    server.addTask({ id: 't1' });
    source = createHttpSource(httpConfig(server.url, { tokenEnv: 'TEAM_TOKEN', push: [] }), {
      daemon: 'd',
      env: { TEAM_TOKEN: 'team-token' },
    });
    expect((await source.listClaimable()).map((t) => t.id)).toEqual(['t1']);
    expect(await source.claim('t1')).toMatchObject({ ok: true });
    expect(server.requests().map((r) => r.authorization)).toEqual(['Bearer team-token', 'Bearer team-token']);
  });

  it('tokenEnv unset: unauthorized naming the variable, and nothing is sent', async () => {
    server = await startTaskServer({ token: 'team-token' });
    source = createHttpSource(httpConfig(server.url, { tokenEnv: 'TEAM_TOKEN', push: [] }), { daemon: 'd', env: {} });
    const err = await source.listClaimable().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect(err).toMatchObject({ kind: 'unauthorized', message: 'source token: environment variable TEAM_TOKEN is not set' });
    expect(server.requests()).toEqual([]);
    expect(source.requestCount()).toBe(0);
  });

  it('tokenSecret: read through the keychain port', async () => {
    server = await startTaskServer({ token: 'kept-in-keychain' });
    const secrets = { get: (name: string) => (name === 'team' ? 'kept-in-keychain' : undefined) };
    source = createHttpSource(httpConfig(server.url, { tokenSecret: 'team', push: [] }), { daemon: 'd', secrets });
    await source.listClaimable();
    expect(server.requests()[0]!.authorization).toBe('Bearer kept-in-keychain');
    const missing = createHttpSource(httpConfig(server.url, { tokenSecret: 'other', push: [] }), { daemon: 'd', secrets });
    await expect(missing.listClaimable()).rejects.toMatchObject({
      kind: 'unauthorized',
      message: expect.stringMatching(/no secret "other"/),
    });
  });
});
