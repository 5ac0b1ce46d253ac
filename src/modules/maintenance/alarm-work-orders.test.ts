import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishEvent } from '../../kernel/outbox.ts';
import { type MaintenanceKit, maintenanceKit } from './maintenance-test-kit.ts';

describe('alarm → work order (flows/alarm-opens-work-order)', () => {
  let k: MaintenanceKit;
  let deviceId = '';
  let assetId = '';

  beforeAll(async () => {
    k = await maintenanceKit();
    deviceId = await k.deviceId(k.stores[0].code, 'fridge-1');
    const asset = await k.call(k.admin, 'POST', '/api/v1/assets', { storeId: k.stores[0].id, name: 'Display fridge 1', category: 'refrigeration', deviceId });
    expect(asset.status).toBe(201);
    assetId = asset.body.id;
    const rule = await k.call(k.admin, 'POST', '/api/v1/maintenance/alarm-rules', {
      alarmType: 'High temperature',
      minSeverity: 'MAJOR',
      priority: 'high',
      onClear: 'complete',
    });
    expect(rule.status).toBe(201);
    await k.call(k.admin, 'POST', '/api/v1/maintenance/alarm-rules', { alarmType: 'Door open', minSeverity: 'WARNING', priority: 'low', onClear: 'note' });
  });
  afterAll(() => k.close());

  let seq = 0;
  const alarm = async (topic: string, type: string, severity: string, extra: Record<string, unknown> = {}) => {
    seq++;
    await k.t.db.orm.transaction((tx) =>
      publishEvent(tx, k.tenantId, topic, {
        alarmId: `alm_test${seq}`,
        deviceId,
        deviceName: 'S0001-fridge-1',
        storeId: k.stores[0].id,
        type,
        severity,
        status: 'ACTIVE_UNACK',
        ...extra,
      }),
    );
    await k.drain();
  };
  const workOrders = async () =>
    (await k.call(k.admin, 'GET', `/api/v1/work-orders?assetId=${assetId}`)).body.data as {
      id: string;
      status: string;
      priority: string;
      source: string;
      title: string;
    }[];
  const asset = async () => (await k.call(k.admin, 'GET', `/api/v1/assets/${assetId}`)).body;

  it('ignores an alarm below the rule severity', async () => {
    await alarm('alarm.created', 'High temperature', 'MINOR');
    expect(await workOrders()).toHaveLength(0);
  });

  it('opens one work order per asset and alarm type; repeats and severity changes add notes', async () => {
    await alarm('alarm.created', 'High temperature', 'MAJOR');
    await alarm('alarm.created', 'High temperature', 'MAJOR');
    await alarm('alarm.severity_changed', 'High temperature', 'CRITICAL', { from: 'MAJOR', to: 'CRITICAL' });
    const wos = await workOrders();
    expect(wos).toHaveLength(1);
    expect(wos[0]).toMatchObject({ status: 'OPEN', priority: 'high', source: 'alarm' });
    const detail = (await k.call(k.admin, 'GET', `/api/v1/work-orders/${wos[0].id}`)).body;
    expect(detail.history.filter((h: { action: string }) => h.action === 'note').map((h: { note: string }) => h.note)).toEqual([
      'Alarm High temperature raised again (MAJOR).',
      'Alarm High temperature is now CRITICAL.',
    ]);
    // A critical alarm holds the asset down, with its downtime open.
    const a = await asset();
    expect(a).toMatchObject({ status: 'down', downReason: 'alarm' });
    expect(a.downtime[0].endedAt).toBeNull();
    // Another alarm type opens its own.
    await alarm('alarm.created', 'Door open', 'WARNING');
    expect(await workOrders()).toHaveLength(2);
  });

  it('on clear completes or notes per rule, and the asset is up again', async () => {
    await alarm('alarm.cleared', 'High temperature', 'CRITICAL', { status: 'CLEARED_UNACK', by: 'rule' });
    await alarm('alarm.cleared', 'Door open', 'WARNING', { status: 'CLEARED_UNACK', by: 'rule' });
    const wos = await workOrders();
    expect(wos.find((w) => w.title.startsWith('High temperature'))?.status).toBe('COMPLETE');
    expect(wos.find((w) => w.title.startsWith('Door open'))?.status).toBe('OPEN');
    const a = await asset();
    expect(a.status).toBe('operational');
    expect(a.downtime[0].endedAt).not.toBeNull();
    // The next alarm of the type opens a new work order, as the old one is closed.
    await alarm('alarm.created', 'High temperature', 'MAJOR');
    expect((await workOrders()).filter((w) => w.title.startsWith('High temperature'))).toHaveLength(2);
  });

  it('keeps the asset down while another critical alarm of its device is open', async () => {
    // Two critical alarms stand open on the device; the events name them, the alarms table holds them.
    const open = async (id: string, type: string) => {
      await k.t.db.orm.execute(sql`INSERT INTO alarms (id, tenant_id, device_id, device_name, store_id, org_path, profile_id, type, severity, status, started_at)
        SELECT ${id}, tenant_id, id, name, store_id, org_path, profile_id, ${type}, 'CRITICAL', 'ACTIVE_UNACK', now() FROM devices WHERE id = ${deviceId}`);
      await alarm('alarm.created', type, 'CRITICAL', { alarmId: id });
    };
    const clear = async (id: string, type: string) => {
      await k.t.db.orm.execute(sql`UPDATE alarms SET status = 'CLEARED_UNACK', cleared_at = now(), ended_at = now() WHERE id = ${id}`);
      await alarm('alarm.cleared', type, 'CRITICAL', { alarmId: id, status: 'CLEARED_UNACK', by: 'rule' });
    };
    await open('alm_compressor', 'Compressor failure');
    await open('alm_power', 'Power loss');
    expect(await asset()).toMatchObject({ status: 'down', downReason: 'alarm' });
    await clear('alm_compressor', 'Compressor failure');
    expect(await asset()).toMatchObject({ status: 'down', downReason: 'alarm' });
    // The last critical one falling to major brings it up.
    await k.t.db.orm.execute(sql`UPDATE alarms SET severity = 'MAJOR' WHERE id = 'alm_power'`);
    await alarm('alarm.severity_changed', 'Power loss', 'MAJOR', { alarmId: 'alm_power', from: 'CRITICAL', to: 'MAJOR' });
    expect((await asset()).status).toBe('operational');
    await clear('alm_power', 'Power loss');
    expect((await asset()).status).toBe('operational');
  });
});
