import type { Snapshot } from '@shared/snapshot';
import type { TickRecord } from '@shared/ticks';
import { describe, expect, it } from 'vitest';
import { createFakeCore } from '../../../test/support/fake-core';
import { FakeClock } from '../../core/clock';
import { createEventFanout, type EventClient } from './event-fanout';

/** Records what the fanout sent; `bufferedAmount` simulates a client that stopped reading. */
function recordingClient(bufferedAmount = 0) {
  const sent: { name: string; payload: unknown }[] = [];
  const client = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount,
    send: (text: string) => void sent.push(JSON.parse(text)),
    on: () => client,
  } as unknown as EventClient;
  return { client, sent };
}

const snapshot = (at: number): Snapshot => ({ at, live: true, daemons: [], blockedTasks: [] });

describe('event fanout', () => {
  it('sends at most one snapshot per throttle window, always the latest', async () => {
    const clock = new FakeClock(1_000_000);
    const core = createFakeCore();
    const fanout = createEventFanout(core, 100, clock);
    const { client, sent } = recordingClient();
    fanout.add(client);

    for (let i = 1; i <= 30; i++) core.emit('snapshot', snapshot(i));
    await clock.advance(0);
    expect(sent.map((m) => (m.payload as Snapshot).at)).toEqual([30]);

    core.emit('snapshot', snapshot(31));
    core.emit('snapshot', snapshot(32));
    await clock.advance(99);
    expect(sent).toHaveLength(1);
    await clock.advance(1);
    expect(sent.map((m) => (m.payload as Snapshot).at)).toEqual([30, 32]);

    // After a quiet spell the next snapshot goes out at once.
    await clock.advance(5_000);
    core.emit('snapshot', snapshot(33));
    await clock.advance(0);
    expect(sent.map((m) => (m.payload as Snapshot).at)).toEqual([30, 32, 33]);
    fanout.stop();
  });

  it('forwards every tick unthrottled, skips a client that stopped reading, and stops on stop()', async () => {
    const clock = new FakeClock();
    const core = createFakeCore();
    const fanout = createEventFanout(core, 100, clock);
    const reader = recordingClient();
    const stalled = recordingClient(64 * 1024 * 1024);
    fanout.add(reader.client);
    fanout.add(stalled.client);
    const tick = { daemon: 'local', at: 1 } as TickRecord;
    for (let i = 0; i < 3; i++) core.emit('tick', { ...tick, at: i });
    expect(reader.sent.map((m) => [m.name, (m.payload as TickRecord).at])).toEqual([
      ['tick', 0],
      ['tick', 1],
      ['tick', 2],
    ]);
    expect(stalled.sent).toEqual([]);

    fanout.stop();
    core.emit('tick', tick);
    core.emit('snapshot', snapshot(1));
    await clock.advance(1_000);
    expect(reader.sent).toHaveLength(3);
  });
});
