import { describe, expect, it } from 'vitest';
import type { LiveEvent } from './contract.ts';
import { LiveHub } from './live-feed.ts';

const alarm = (deviceId: string, storeId: string): LiveEvent => ({ kind: 'alarm', deviceId, storeId, alarm: { id: `alm_${deviceId}` } });
const status = (deviceId: string, storeId: string): LiveEvent => ({ kind: 'status', deviceId, storeId, online: true, lastActivityAt: 1 });

describe('the live feed', () => {
  it('delivers to device, store and subtree subscribers only what is theirs, and only the kinds they asked for', () => {
    const hub = new LiveHub();
    const got: Record<string, string[]> = { device: [], store: [], region: [], regionStatus: [], tenant: [], other: [] };
    const record = (name: string) => (e: LiveEvent) => got[name].push(`${e.kind}:${e.deviceId}`);
    hub.subscribe('t1', { deviceId: 'd1' }, record('device'));
    hub.subscribe('t1', { storeId: 's1' }, record('store'));
    hub.subscribe('t1', { orgPaths: ['/g/r1/'], kinds: ['alarm'] }, record('region'));
    hub.subscribe('t1', { orgPaths: ['/g/r1/', '/g/r3/'], kinds: ['status'] }, record('regionStatus'));
    hub.subscribe('t1', {}, record('tenant'));
    hub.subscribe('t2', {}, record('other'));

    hub.publish('t1', alarm('d1', 's1'), '/g/r1/s1/');
    hub.publish('t1', status('d2', 's2'), '/g/r2/s2/');
    hub.publish('t1', status('d3', 's3'), '/g/r3/s3/');
    hub.publish('t1', alarm('d4', 's4')); // no org path: subtree subscribers cannot tell it is theirs

    expect(got.device).toEqual(['alarm:d1']);
    expect(got.store).toEqual(['alarm:d1']);
    expect(got.region).toEqual(['alarm:d1']);
    expect(got.regionStatus).toEqual(['status:d3']);
    expect(got.tenant).toEqual(['alarm:d1', 'status:d2', 'status:d3', 'alarm:d4']);
    expect(got.other).toEqual([]);
  });

  it('stops delivering after unsubscribe, and a throwing listener does not stop the others', () => {
    const hub = new LiveHub();
    const seen: string[] = [];
    const off = hub.subscribe('t1', {}, () => {
      throw new Error('closed socket');
    });
    hub.subscribe('t1', {}, (e) => seen.push(e.deviceId));
    hub.publish('t1', alarm('d1', 's1'), '/g/');
    off();
    expect(hub.size).toBe(1);
    hub.publish('t1', alarm('d2', 's1'), '/g/');
    expect(seen).toEqual(['d1', 'd2']);
  });
});
