import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevicesTestApp, devicesTestApp, type Session } from './devices-test-app.ts';

const token = 'demo-S0001-fridge-1';

describe('the HTTP device API (ThingsBoard-compatible)', () => {
  let t: DevicesTestApp;
  let admin: Session;
  beforeAll(async () => {
    t = await devicesTestApp({ stores: 2, env: { MQTT_DEVICE_RATE: '1000', MQTT_MAX_PAYLOAD: '1024' } });
    admin = await t.signIn('admin@demo.storeos.dev');
  });
  afterAll(() => t.close());

  const post = (url: string, payload: string, contentType = 'application/json') =>
    t.app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } });
  const stored = async (key: string) =>
    (
      await t.db.pool.query<{ ts: number; num_v: number | null; bool_v: boolean | null; str_v: string | null; json_v: unknown }>(
        `SELECT t.ts, t.num_v, t.bool_v, t.str_v, t.json_v FROM telemetry t JOIN devices d ON d.sid = t.device_sid JOIN telemetry_keys k ON k.id = t.key_id
         WHERE d.name = 'S0001-fridge-1' AND k.key = $1 ORDER BY t.ts`,
        [key],
      )
    ).rows;

  it('stores telemetry of every ThingsBoard shape, and answers 200 only once it is stored', async () => {
    const ts = Date.now() - 60_000;
    expect((await post(`/api/v1/${token}/telemetry`, '{"temperature":4.2,"door":false,"mode":"eco","info":{"a":[1,2]}}')).statusCode).toBe(200);
    expect((await stored('temperature')).map((r) => r.num_v)).toEqual([4.2]);
    expect((await stored('door'))[0].bool_v).toBe(false);
    expect((await stored('mode'))[0].str_v).toBe('eco');
    expect((await stored('info'))[0].json_v).toEqual({ a: [1, 2] });
    expect((await post(`/api/v1/${token}/telemetry`, JSON.stringify({ ts, values: { humidity: 40 } }))).statusCode).toBe(200);
    expect(await stored('humidity')).toMatchObject([{ ts, num_v: 40 }]);
    const arr = [{ ts: ts + 1, values: { humidity: 41 } }, { humidity: 42 }];
    expect((await post(`/api/v1/${token}/telemetry`, JSON.stringify(arr), 'text/plain')).statusCode).toBe(200);
    expect((await stored('humidity')).map((r) => r.num_v)).toEqual([40, 41, 42]);
    // Stored as sent, or re-serialised where jsonb would refuse the text (a number JavaScript rounds to 0).
    expect((await post(`/api/v1/${token}/telemetry`, '{"tiny":1e-20000,\n "note":"tab\\there"}')).statusCode).toBe(200);
    expect((await stored('tiny'))[0].num_v).toBe(0);
    expect((await stored('note'))[0].str_v).toBe('tab\there');
    expect((await post(`/api/v1/${token}/telemetry`, '{"sent":"a\\tb\\\\c",\r\n"x":1}')).statusCode).toBe(200);
    expect((await stored('sent'))[0].str_v).toBe('a\tb\\c');
  });

  it('answers 400 for a body that is not JSON or of a wrong shape, 401 for an unknown token, 413 beyond the limit', async () => {
    const bad = await post(`/api/v1/${token}/telemetry`, '{"temperature": 4.2');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid');
    expect((await post(`/api/v1/${token}/telemetry`, '"just a string"')).statusCode).toBe(400);
    expect((await post(`/api/v1/${token}/telemetry`, '{"t":null}')).statusCode).toBe(400);
    expect((await post(`/api/v1/${token}/telemetry`, '')).statusCode).toBe(400);
    expect((await post('/api/v1/no-such-token/telemetry', '{"t":1}')).statusCode).toBe(401);
    expect((await post(`/api/v1/${token}/telemetry`, JSON.stringify({ big: 'x'.repeat(1500) }))).statusCode).toBe(413);
    await t.devices.flushState();
    const detail = await t.app.inject({ url: `/api/v1/devices?q=S0001-fridge-1`, headers: admin.headers });
    const id = detail.json().data[0].id;
    const page = await t.app.inject({ url: `/api/v1/devices/${id}`, headers: admin.headers });
    const drops = Object.fromEntries((page.json().drops as { reason: string; count: number }[]).map((d) => [d.reason, d.count]));
    expect(drops).toMatchObject({ invalid_json: 2, invalid_shape: 2, too_large: 1 });
  });

  it('does not shadow the people API: /api/v1/devices and /api/v1/stores still answer', async () => {
    expect((await t.app.inject({ url: '/api/v1/devices?limit=2', headers: admin.headers })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/v1/stores?limit=2', headers: admin.headers })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/v1/devices?limit=2' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/v1/device-profiles', headers: admin.headers })).statusCode).toBe(200);
  });

  it('stores client attributes and answers attribute requests with client and shared values', async () => {
    expect((await post(`/api/v1/${token}/attributes`, '{"firmwareVersion":"2.4.1","model":"FX-200"}')).statusCode).toBe(200);
    const list = await t.app.inject({ url: '/api/v1/devices?q=S0001-fridge-1', headers: admin.headers });
    const id = list.json().data[0].id;
    const saved = await t.app.inject({
      method: 'POST',
      url: `/api/v1/devices/${id}/attributes/shared`,
      headers: admin.headers,
      payload: { setpoint: 4, mode: 'eco' },
    });
    expect(saved.statusCode).toBe(200);
    const all = await t.app.inject({ url: `/api/v1/${token}/attributes` });
    expect(all.json()).toEqual({ client: { firmwareVersion: '2.4.1', model: 'FX-200' }, shared: { mode: 'eco', setpoint: 4 } });
    const some = await t.app.inject({ url: `/api/v1/${token}/attributes?clientKeys=model&sharedKeys=setpoint` });
    expect(some.json()).toEqual({ client: { model: 'FX-200' }, shared: { setpoint: 4 } });
  });

  it('provisions a device with a profile key and secret, in ThingsBoard format', async () => {
    const store = (await t.app.inject({ url: '/api/v1/stores?limit=1', headers: admin.headers })).json().data[0];
    const profile = await t.app.inject({
      method: 'POST',
      url: '/api/v1/device-profiles',
      headers: admin.headers,
      payload: {
        name: 'Self-registering sensor',
        kind: 'other',
        provisionStrategy: 'allow_create_new',
        provisionKey: 'key-12345678',
        provisionSecret: 'secret-12345678',
        provisionStoreId: store.id,
      },
    });
    expect(profile.statusCode).toBe(201);
    const ok = await post(
      '/api/v1/provision',
      JSON.stringify({ deviceName: 'new sensor', provisionDeviceKey: 'key-12345678', provisionDeviceSecret: 'secret-12345678' }),
    );
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'SUCCESS', credentialsType: 'ACCESS_TOKEN' });
    const newToken = ok.json().credentialsValue as string;
    expect((await post(`/api/v1/${newToken}/telemetry`, '{"x":1}')).statusCode).toBe(200);
    const wrong = await post('/api/v1/provision', JSON.stringify({ deviceName: 'other', provisionDeviceKey: 'key-12345678', provisionDeviceSecret: 'nope' }));
    expect(wrong.json()).toEqual({ status: 'NOT_FOUND', errorMsg: 'Provision data was not found!' });
    const again = await post(
      '/api/v1/provision',
      JSON.stringify({ deviceName: 'new sensor', provisionDeviceKey: 'key-12345678', provisionDeviceSecret: 'secret-12345678' }),
    );
    expect(again.json().status).toBe('FAILURE');
    expect((await post('/api/v1/provision', '{oops')).statusCode).toBe(400);
  });

  it('answers a client-side RPC', async () => {
    const res = await post(`/api/v1/${token}/rpc`, '{"method":"getCurrentTime","params":{}}');
    expect(res.statusCode).toBe(200);
    expect(Math.abs(res.json().time - Date.now())).toBeLessThan(5000);
  });

  it('hands a server-side RPC to a waiting long poll and returns the reply to the person', async () => {
    const list = await t.app.inject({ url: '/api/v1/devices?q=S0001-fridge-1', headers: admin.headers });
    const id = list.json().data[0].id;
    const poll = t.app.inject({ url: `/api/v1/${token}/rpc?timeout=10000` });
    await new Promise((r) => setTimeout(r, 100));
    const call = t.app.inject({
      method: 'POST',
      url: `/api/v1/devices/${id}/rpc`,
      headers: admin.headers,
      payload: { method: 'setSetpoint', params: { value: 3 }, timeoutMs: 5000 },
    });
    const request = (await poll).json();
    expect(request).toMatchObject({ method: 'setSetpoint', params: { value: 3 } });
    expect((await post(`/api/v1/${token}/rpc/${request.id}`, '{"ok":true,"setpoint":3}')).statusCode).toBe(200);
    const answer = await call;
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ ok: true, setpoint: 3 });
    const empty = await t.app.inject({ url: `/api/v1/${token}/rpc?timeout=200` });
    expect(empty.statusCode).toBe(408);
  });

  it('rate-limits a flooding device with 429 and lets the others carry on', async () => {
    const flood = await Promise.all(Array.from({ length: 2500 }, () => post('/api/v1/demo-S0001-pos-1/telemetry', '{"transactions":1}')));
    const codes = flood.map((r) => r.statusCode);
    expect(codes).toContain(429);
    expect(codes).toContain(200);
    expect((await post('/api/v1/demo-S0001-hvac-1/telemetry', '{"power":2.5}')).statusCode).toBe(200);
  });
});
