import { describe, expect, it } from 'vitest';
import { SourceError } from '../../errors';
import { parseNotification, rowToTask } from './rows';

const row = {
  id: 't_1',
  queue: 'default',
  title: 'T',
  prompt: 'P',
  status: 'todo',
  runtime: null,
  cwd: null,
  repository: 'git@example.com:team/app.git',
  claimed_by: null,
  lease_until: null,
  attempts: 0,
  summary: null,
  error: null,
  created_at: new Date('2026-01-02T03:04:05.678Z'),
  updated_at: new Date('2026-01-02T03:04:05.678Z'),
};

describe('rowToTask', () => {
  it('drops null optionals and renders timestamps as ISO 8601', () => {
    expect(rowToTask(row)).toEqual({
      id: 't_1',
      title: 'T',
      prompt: 'P',
      status: 'todo',
      repository: 'git@example.com:team/app.git',
      created_at: '2026-01-02T03:04:05.678Z',
    });
  });

  it('rejects a status outside the protocol with a transient SourceError naming the field', () => {
    const err = (() => {
      try {
        rowToTask({ ...row, status: 'sleeping' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).kind).toBe('transient');
    expect((err as SourceError).message).toMatch(/status/);
  });
});

describe('parseNotification', () => {
  it('reads the trigger payload', () => {
    expect(parseNotification('{"op":"insert","queue":"q","id":"t","status":"todo"}')).toEqual({
      op: 'insert',
      queue: 'q',
      id: 't',
      status: 'todo',
    });
  });

  it('returns null for anything else', () => {
    expect(parseNotification(undefined)).toBeNull();
    expect(parseNotification('hello')).toBeNull();
    expect(parseNotification('{"queue":"q"}')).toBeNull();
  });
});
