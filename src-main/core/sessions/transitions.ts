/**
 * The session state machine as one table. Every state change goes through
 * {@link nextState}; an event a state does not list is a bug and throws.
 *
 *   claiming ──claimed──▶ active ──agent_completed / agent_failed / cancelled / released──▶ completing
 *      │                   │  ▲                                                              │
 *  claim_lost          rate_limited│resumed                                     reported_review │ finished / finished_failed
 *      ▼                   ▼  │                                                              ▼
 *    closed          rate_limited / interrupted                              in_review ─┐   closed / failed
 *                                                                             rejected ─┘→ active
 */

import { SESSION_STATES, type SessionState } from '@shared/sessions';
import { TransitionError } from '../errors';

export const SESSION_EVENTS = [
  'claimed',
  'claim_lost',
  'agent_completed',
  'agent_failed',
  'cancelled',
  'released',
  'rate_limited',
  'interrupted',
  'resumed',
  'task_gone',
  'reported_review',
  'rejected',
  'approved',
  'finished',
  'finished_failed',
] as const;
export type SessionEvent = (typeof SESSION_EVENTS)[number];

type Table = { readonly [S in SessionState]: Partial<Readonly<Record<SessionEvent, SessionState>>> };

export const TRANSITIONS: Table = {
  claiming: { claimed: 'active', claim_lost: 'closed', released: 'completing' },
  active: {
    agent_completed: 'completing',
    agent_failed: 'completing',
    cancelled: 'completing',
    released: 'completing',
    rate_limited: 'rate_limited',
    // Graceful shutdown or a crash: the run can be resumed on next start.
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

export function nextState(from: SessionState, event: SessionEvent): SessionState {
  const to = TRANSITIONS[from][event];
  if (!to) throw new TransitionError(`illegal session transition: ${event} in state ${from}`);
  return to;
}

export const TERMINAL_STATES: readonly SessionState[] = ['closed', 'failed'];
/** States whose session still holds its task (and usually a workspace): every state but the terminal ones. */
export const OPEN_STATES: readonly SessionState[] = SESSION_STATES.filter((s) => !TERMINAL_STATES.includes(s));
