import { describe, expect, it } from 'vitest';
import { checkEvent, type EventFrame, isRefused, type RefusedEvent } from './event-payloads.ts';
import { eventLimits } from './payload-bounds.ts';

const receivedAt = new Date('2025-06-01T12:00:00.000Z');
const frame: EventFrame = {
  tenantId: 'tnt_a',
  sourceId: 'src_a',
  channel: 'web',
  sourceStoreId: null,
  storeOf: (named) => (named === 'S0001' ? 'str_1' : named === 'str_2' ? 'str_2' : null),
  receivedAt,
};

const ok = (raw: unknown, type?: Parameters<typeof checkEvent>[1], f = frame) => {
  const c = checkEvent(raw, type, f);
  if (isRefused(c)) throw new Error(`refused: ${c.reason}`);
  return c;
};
const refused = (raw: unknown, type?: Parameters<typeof checkEvent>[1]): RefusedEvent => {
  const c = checkEvent(raw, type, frame);
  if (!isRefused(c)) throw new Error('accepted');
  return c;
};

describe('Segment event validation', () => {
  it('accepts a track event and keeps its fields', () => {
    const c = ok({ userId: 'u1', event: 'Order Completed', properties: { revenue: 99 }, messageId: 'm1' }, 'track');
    expect(c.event).toMatchObject({
      type: 'track',
      userId: 'u1',
      anonymousId: null,
      event: 'Order Completed',
      messageId: 'm1',
      properties: { revenue: 99 },
      channel: 'web',
    });
    expect(c.tail.toString().endsWith('\n')).toBe(true);
  });

  it('needs userId or anonymousId, and track needs event', () => {
    expect(refused({ event: 'X' }, 'track')).toMatchObject({ code: 'identity', reason: 'userId or anonymousId is required' });
    expect(refused({ userId: 'u1' }, 'track').reason).toMatch(/track needs event/);
    expect(refused({ userId: 'u1' }, 'alias').reason).toMatch(/alias needs userId and previousId/);
    expect(refused({ userId: 'u1' }, 'group').reason).toMatch(/group needs groupId/);
    expect(ok({ anonymousId: 'a1' }, 'page').event.anonymousId).toBe('a1');
  });

  it('takes the type from each event of a batch and refuses a missing or unknown one', () => {
    expect(ok({ type: 'identify', userId: 'u1', traits: { email: 'a@b.cn' } }).event.type).toBe('identify');
    expect(refused({ userId: 'u1' }).reason).toBe('type is required in a batch');
    expect(refused({ type: 'purchase', userId: 'u1' }).code).toBe('type');
  });

  it('assigns a messageId when absent and refuses a bad one', () => {
    expect(ok({ userId: 'u1' }, 'identify').event.messageId).toMatch(/^srv-/);
    expect(refused({ userId: 'u1', messageId: 5 }, 'identify').reason).toBe('messageId must be a string');
    expect(refused({ userId: 'u1', messageId: 'x'.repeat(101) }, 'identify').reason).toMatch(/1 to 100/);
  });

  it("corrects the timestamp by Segment's rule receivedAt − (sentAt − timestamp)", () => {
    // The client's clock is 10 minutes fast: it says it sent at 12:10 an event of 12:05.
    const c = ok({ userId: 'u1', timestamp: '2025-06-01T12:05:00Z', sentAt: '2025-06-01T12:10:00Z' }, 'identify');
    expect(c.event.timestamp.toISOString()).toBe('2025-06-01T11:55:00.000Z');
    expect(ok({ userId: 'u1', timestamp: '2025-05-31T08:00:00+08:00' }, 'identify').event.timestamp.toISOString()).toBe('2025-05-31T00:00:00.000Z');
    expect(ok({ userId: 'u1' }, 'identify').event.timestamp).toEqual(receivedAt);
    expect(
      ok({ userId: 'u1', timestamp: '2025-06-01T12:05:00Z' }, 'identify', { ...frame, batchSentAt: '2025-06-01T12:10:00Z' }).event.timestamp.toISOString(),
    ).toBe('2025-06-01T11:55:00.000Z');
    expect(refused({ userId: 'u1', timestamp: 'yesterday' }, 'identify').code).toBe('timestamp');
    expect(refused({ userId: 'u1', timestamp: '1999-12-31T00:00:00Z' }, 'identify').code).toBe('timestamp');
  });

  it('bounds depth, keys and text PostgreSQL cannot store, naming the place', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 20; i++) deep = { d: deep };
    expect(refused({ userId: 'u1', properties: deep }, 'identify')).toMatchObject({ code: 'too_deep' });
    const wide = Object.fromEntries(Array.from({ length: eventLimits.keys + 1 }, (_, i) => [`k${i}`, i]));
    expect(refused({ userId: 'u1', traits: wide }, 'identify')).toMatchObject({ code: 'too_many_keys' });
    expect(refused({ userId: 'u1', properties: { name: 'a\u0000b' } }, 'identify')).toMatchObject({
      code: 'unstorable_text',
      reason: 'properties.name contains a NUL character (\\u0000)',
    });
    expect(refused({ userId: 'u\ud800' }, 'identify').code).toBe('unstorable_text');
    expect(refused({ userId: 'u1', properties: [1, 2] }, 'identify').reason).toBe('properties must be an object');
    expect(refused({ userId: 'u1', properties: { big: 'x'.repeat(40_000) } }, 'identify')).toMatchObject({
      code: 'too_large',
      reason: 'the event is over 32 KB',
    });
  });

  it('ties the event to the source store, else to a store it names by id or code', () => {
    expect(ok({ userId: 'u1', context: { storeId: 'S0001' } }, 'identify').event.storeId).toBe('str_1');
    expect(ok({ userId: 'u1', properties: { storeId: 'str_2' } }, 'identify').event.storeId).toBe('str_2');
    expect(ok({ userId: 'u1', context: { storeId: 'nowhere' } }, 'identify').event.storeId).toBeNull();
    expect(ok({ userId: 'u1', context: { storeId: 'S0001' } }, 'identify', { ...frame, sourceStoreId: 'str_9' }).event.storeId).toBe('str_9');
  });

  it('puts the batch context under each event and escapes text for COPY', () => {
    const c = ok({ userId: 'u\t1', context: { ip: '1.2.3.4' } }, 'identify', {
      ...frame,
      batchContext: { library: { name: 'analytics-node' }, ip: '0.0.0.0' },
    });
    expect(c.event.context).toEqual({ library: { name: 'analytics-node' }, ip: '1.2.3.4' });
    expect(c.tail.toString()).toContain('u\\t1');
  });
});
