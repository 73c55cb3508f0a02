/**
 * The pool as lanes: one row per slot over time, one bar per stretch a
 * session held a slot. Slots have no identity in the core (a pool is a count),
 * so lanes are assigned here: a session keeps the lane it had when that lane
 * is free again (a rate-limit wait right after its run), else the lowest free
 * lane. Pure, so the layout is tested without a DOM.
 */
import { holdsSlot, type SessionSpan } from '@shared/sessions';

export interface LaneBar {
  span: SessionSpan;
  lane: number;
  /** Left edge and width as fractions of the window (clipped to it). */
  left: number;
  width: number;
}

export interface LanesLayout {
  lanes: number;
  bars: LaneBar[];
}

export function layoutLanes(spans: readonly SessionSpan[], slots: number, from: number, now: number): LanesLayout {
  const held = spans.filter(holdsSlot).sort((a, b) => a.start - b.start);
  /** When each lane is free again (Infinity while a span in it goes on). */
  const freeAt: number[] = [];
  const laneOf = new Map<string, number>();
  const bars: LaneBar[] = [];
  const span = Math.max(1, now - from);
  for (const s of held) {
    const end = s.end ?? Number.POSITIVE_INFINITY;
    const previous = laneOf.get(s.sessionId);
    let lane = previous !== undefined && freeAt[previous]! <= s.start ? previous : freeAt.findIndex((f) => f <= s.start);
    if (lane === -1) lane = freeAt.length;
    freeAt[lane] = end;
    laneOf.set(s.sessionId, lane);
    const start = Math.max(s.start, from);
    const stop = Math.min(s.end ?? now, now);
    if (stop < from) continue;
    bars.push({ span: s, lane, left: (start - from) / span, width: Math.max(0, stop - start) / span });
  }
  return { lanes: Math.max(slots, freeAt.length), bars };
}

/** Words for each outcome, also the legend. */
export const OUTCOME_LABELS: Record<SessionSpan['outcome'], string> = {
  running: 'running',
  done: 'done',
  failed: 'failed',
  rate_limited: 'rate-limited',
  in_review: 'in review',
  interrupted: 'interrupted',
  cancelled: 'cancelled',
};
