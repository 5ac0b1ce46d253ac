import { describe, expect, it } from 'vitest';
import { classifyPublish, filterMatches, maySubscribe } from './mqtt-topics.ts';

describe('device API topics', () => {
  it('classifies what a device publishes; gateway topics only for gateways; request ids are integers', () => {
    expect(classifyPublish('v1/devices/me/telemetry', false)).toEqual({ kind: 'telemetry' });
    expect(classifyPublish('v1/devices/me/attributes', false)).toEqual({ kind: 'attributes' });
    expect(classifyPublish('v1/devices/me/attributes/request/12', false)).toEqual({ kind: 'attributesRequest', id: 12 });
    expect(classifyPublish('v1/devices/me/rpc/response/7', false)).toEqual({ kind: 'rpcReply', id: 7 });
    expect(classifyPublish('v1/devices/me/rpc/request/3', false)).toEqual({ kind: 'rpcRequest', id: 3 });
    expect(classifyPublish('v1/devices/me/rpc/request/abc', false)).toEqual({ kind: 'unknown' });
    expect(classifyPublish('v1/gateway/telemetry', true)).toEqual({ kind: 'gatewayTelemetry' });
    expect(classifyPublish('v1/gateway/telemetry', false)).toEqual({ kind: 'forbidden' });
    expect(classifyPublish('v1/devices/dev_other/telemetry', false)).toEqual({ kind: 'forbidden' });
    expect(classifyPublish('v1/devices/me/attributes/response/1', false)).toEqual({ kind: 'forbidden' });
    expect(classifyPublish('/provision/response', false)).toEqual({ kind: 'forbidden' });
    expect(classifyPublish('sensors/42', false)).toEqual({ kind: 'unknown' });
  });

  it('allows a device only its own filters, exactly as ThingsBoard names them', () => {
    for (const f of [
      'v1/devices/me/attributes',
      'v1/devices/me/attributes/response/+',
      'v1/devices/me/rpc/request/+',
      'v1/devices/me/rpc/response/+',
      'v1/devices/me/rpc/response/9',
    ]) {
      expect(maySubscribe(f, 'device')).toBe(true);
    }
    for (const f of ['#', 'v1/#', 'v1/devices/+/attributes', 'v1/devices/dev_x/attributes', 'v1/gateway/rpc', '/provision/response', '$SYS/#']) {
      expect(maySubscribe(f, 'device')).toBe(false);
    }
    expect(maySubscribe('v1/gateway/rpc', 'gateway')).toBe(true);
    expect(maySubscribe('/provision/response', 'provision')).toBe(true);
    expect(maySubscribe('v1/devices/me/attributes', 'provision')).toBe(false);
  });

  it('matches a `+` filter against one level only', () => {
    expect(filterMatches('v1/devices/me/rpc/request/+', 'v1/devices/me/rpc/request/42')).toBe(true);
    expect(filterMatches('v1/devices/me/rpc/request/+', 'v1/devices/me/rpc/request/42/x')).toBe(false);
    expect(filterMatches('v1/devices/me/attributes', 'v1/devices/me/attributes')).toBe(true);
    expect(filterMatches('v1/devices/me/attributes', 'v1/devices/me/attributes/response/1')).toBe(false);
  });
});
