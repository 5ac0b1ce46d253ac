import { describe, expect, it } from 'vitest';
import type { CollectedEvent } from './contract.ts';
import { defaultIdentitySettings, eventIdentifiers, normaliseEmail, normaliseIdentifier, normalisePhone } from './identifiers.ts';

const base: CollectedEvent = {
  messageId: 'm1',
  tenantId: 't',
  sourceId: 's',
  channel: 'web',
  storeId: null,
  type: 'identify',
  userId: null,
  anonymousId: null,
  event: null,
  previousId: null,
  groupId: null,
  properties: {},
  traits: {},
  context: {},
  timestamp: new Date(),
  receivedAt: new Date(),
};

describe('identifier normalisation', () => {
  it('lower-cases and trims emails, and refuses what is not one', () => {
    expect(normaliseEmail('  Li.Na@Example.COM ')).toBe('li.na@example.com');
    expect(normaliseEmail('not an email')).toBeUndefined();
  });

  it('writes phones in E.164 with China as the default region', () => {
    expect(normalisePhone('138 0013 8001')).toBe('+8613800138001');
    expect(normalisePhone('+86 139-1234-5678')).toBe('+8613912345678');
    expect(normalisePhone('0086 13912345678')).toBe('+8613912345678');
    expect(normalisePhone('+1 (415) 555-2671')).toBe('+14155552671');
    expect(normalisePhone('12345')).toBeUndefined();
  });

  it('normalises member cards and keeps other ids as sent, trimmed', () => {
    expect(normaliseIdentifier('member_card', ' vip-0012 3456 ')).toBe('VIP00123456');
    expect(normaliseIdentifier('user_id', ' u-1 ')).toBe('u-1');
    expect(normaliseIdentifier('user_id', '')).toBeUndefined();
  });
});

describe('identifiers of an event', () => {
  it('reads ids, traits, context traits, the device and custom types; strongest first; blocked values left out', () => {
    const ids = eventIdentifiers(
      {
        ...base,
        userId: 'u1',
        anonymousId: 'a1',
        traits: { email: 'A@B.CN', phone: '13800138000', memberCard: 'm-77' },
        context: { traits: { phone: '139 1234 5678' }, device: { id: 'dev-1' } },
        properties: { openid: 'wx-9' },
      },
      { ...defaultIdentitySettings, custom: [{ type: 'wechat_openid', paths: ['properties.openid'] }] },
    );
    expect(ids).toEqual([
      { type: 'user_id', value: 'u1' },
      { type: 'member_card', value: 'M77' },
      { type: 'phone', value: '+8613912345678' },
      { type: 'email', value: 'a@b.cn' },
      { type: 'device_id', value: 'dev-1' },
      { type: 'anonymous_id', value: 'a1' },
      { type: 'wechat_openid', value: 'wx-9' },
    ]);
  });

  it('drops placeholders such as test@test.com and 13800000000', () => {
    const ids = eventIdentifiers({ ...base, userId: 'u2', traits: { email: 'TEST@test.com', phone: '13800000000' } }, defaultIdentitySettings);
    expect(ids).toEqual([{ type: 'user_id', value: 'u2' }]);
  });
});
