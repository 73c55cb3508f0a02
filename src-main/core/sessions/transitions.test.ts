/**
 * The transition table, exhaustively: every state × every event either moves
 * to exactly the listed state (and writes one event row) or throws and
 * changes nothing.
 */
import { join } from 'node:path';
import { SESSION_STATES, type SessionState } from '@shared/sessions';
import { describe, expect, it } from 'vitest';
import { tempDirsPerTest } from '../../../test/support/temp-dir';
import { TransitionError } from '../errors';
import { openDatabase } from '../store/db';
import { SessionStore } from './session-store';
import { nextState, SESSION_EVENTS, TRANSITIONS } from './transitions';

const tempDir = tempDirsPerTest();

/** The one legal table, written out again on purpose: a change to it must be deliberate. */
const EXPECTED: Record<SessionState, Record<string, SessionState>> = {
  claiming: { claimed: 'active', claim_lost: 'closed', released: 'completing' },
  active: {
    agent_completed: 'completing',
    agent_failed: 'completing',
    cancelled: 'completing',
    released: 'completing',
    rate_limited: 'rate_limited',
    interrupted: 'interrupted',
    task_gone: 'completing',
  },
  interrupted: { resumed: 'active', task_gone: 'completing', cancelled: 'completing', released: 'completing' },
  rate_limited: { resumed: 'active', task_gone: 'completing', cancelled: 'completing', released: 'completing' },
  in_review: { rejected: 'active', approved: 'completing', task_gone: 'completing', cancelled: 'completing' },
  completing: { reported_review: 'in_review', finished: 'closed', finished_failed: 'failed' },
  closed: {},
  failed: {},
};

/** Drives a fresh session into `state` through legal transitions. */
function reach(store: SessionStore, state: SessionState): string {
  const id = store.create({ daemon: 'd', taskId: 't', taskTitle: 'T', runtime: 'command' }).id;
  const paths: Record<SessionState, string[]> = {
    claiming: [],
    active: ['claimed'],
    interrupted: ['claimed', 'interrupted'],
    rate_limited: ['claimed', 'rate_limited'],
    completing: ['claimed', 'agent_completed'],
    in_review: ['claimed', 'agent_completed', 'reported_review'],
    closed: ['claim_lost'],
    failed: ['claimed', 'agent_failed', 'finished_failed'],
  };
  for (const event of paths[state]) store.transition(id, event as never);
  expect(store.require(id).state).toBe(state);
  return id;
}

describe('session transitions', () => {
  it('the table is exactly the documented one', () => {
    expect(TRANSITIONS).toEqual(EXPECTED);
  });

  it('no state or event is missing from the vocabulary', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...SESSION_STATES].sort());
    const used = new Set(Object.values(TRANSITIONS).flatMap((row) => Object.keys(row)));
    expect([...used].sort()).toEqual([...SESSION_EVENTS].sort());
  });

  const db = () => openDatabase(join(tempDir(), 'nightshift.db'));

  for (const state of SESSION_STATES) {
    for (const event of SESSION_EVENTS) {
      const to = EXPECTED[state][event];
      it(`${state} × ${event} → ${to ?? 'throws'}`, () => {
        const handle = db();
        const store = new SessionStore(handle, () => 1_000);
        const id = reach(store, state);
        const eventsBefore = store.events(id).length;
        if (to) {
          expect(nextState(state, event)).toBe(to);
          const row = store.transition(id, event);
          expect(row.state).toBe(to);
          const events = store.events(id);
          expect(events).toHaveLength(eventsBefore + 1);
          expect(events.at(-1)).toMatchObject({ event, from: state, to });
          if (to === 'closed' || to === 'failed') expect(row.endedAt).toBe(1_000);
        } else {
          expect(() => store.transition(id, event)).toThrow(TransitionError);
          expect(store.require(id).state).toBe(state);
          expect(store.events(id)).toHaveLength(eventsBefore);
        }
        handle.close();
      });
    }
  }
});
