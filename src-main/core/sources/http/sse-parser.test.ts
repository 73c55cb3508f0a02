import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser';

describe('SseParser', () => {
  it('parses typed events, ignores comments and reports retry', () => {
    const parser = new SseParser();
    const out = parser.feed('retry: 2500\n: keepalive\n\nevent: task\ndata: {"id":"t1","status":"todo"}\n\n');
    expect(out.retryMs).toBe(2500);
    expect(out.events).toEqual([{ event: 'task', data: '{"id":"t1","status":"todo"}', id: undefined }]);
  });

  it('joins multi-line data, defaults the type to message and keeps the last id', () => {
    const parser = new SseParser();
    const out = parser.feed('id: 7\ndata: a\ndata:b\n\ndata: c\n\n');
    expect(out.events).toEqual([
      { event: 'message', data: 'a\nb', id: '7' },
      { event: 'message', data: 'c', id: '7' },
    ]);
  });

  it('accepts CRLF and CR line endings and ignores an invalid retry', () => {
    const parser = new SseParser();
    const out = parser.feed('retry: soon\r\nevent: task\rdata: x\r\n\r\n');
    expect(out.retryMs).toBeUndefined();
    expect(out.events).toEqual([{ event: 'task', data: 'x', id: undefined }]);
  });

  it('an event without data is not dispatched', () => {
    expect(new SseParser().feed('event: task\n\n').events).toEqual([]);
  });

  it('yields the same events however the stream is split into chunks', () => {
    const stream = 'retry: 10\n: hi\n\nevent: task\ndata: {"id":"a"}\n\nevent: task\r\ndata: {"id":"b"}\r\n\r\ndata: m\n\n';
    const whole = new SseParser().feed(stream).events;
    expect(whole).toHaveLength(3);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 8 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const parser = new SseParser();
        const events = [];
        let from = 0;
        for (const at of [...points, stream.length]) {
          events.push(...parser.feed(stream.slice(from, at)).events);
          from = at;
        }
        expect(events).toEqual(whole);
      }),
    );
  });
});
