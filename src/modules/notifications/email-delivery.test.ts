import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MaintenanceKit, maintenanceKit } from '../maintenance/maintenance-test-kit.ts';
import { notify } from './notify.ts';

describe('notification e-mail over SMTP', () => {
  const mails: { to: string[]; data: string }[] = [];
  let smtp: SMTPServer;
  let k: MaintenanceKit;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (c: Buffer) => {
          data += c.toString('utf8');
        });
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    k = await maintenanceKit({ env: { STOREOS_SMTP_URL: `smtp://127.0.0.1:${port}`, STOREOS_SMTP_FROM: 'StoreOS <noreply@storeos.test>' } });
  });
  afterAll(async () => {
    await k.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('mails each recipient after the notification commits', async () => {
    await notify(
      { db: k.t.db },
      {
        tenantId: k.tenantId,
        orgUnitId: k.stores[0].orgUnitId,
        to: { role: 'store_manager' },
        kind: 'work_order.sla_breached',
        title: 'SLA breached: fridge',
        body: 'Not resolved in time.',
        link: 'https://stores.example/wo_1',
      },
    );
    expect(mails).toHaveLength(0); // nothing leaves before the outbox runs
    await k.drain();
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toEqual(['store.manager@demo.storeos.dev']);
    expect(mails[0].data).toMatch(/Subject: SLA breached: fridge/);
    expect(mails[0].data).toMatch(/Not resolved in time\./);
    expect(mails[0].data).toMatch(/From: StoreOS <noreply@storeos\.test>/);
  });
});
