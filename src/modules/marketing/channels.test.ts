import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from './channels/contract.ts';
import { EmailSmtpAdapter } from './channels/email-smtp.ts';
import { SinkAdapter, sinkRecords } from './channels/sink.ts';
import { SmsHttpAdapter } from './channels/sms-http.ts';
import { PushAdapter, WebhookAdapter } from './channels/webhook.ts';
import { buildAdapter } from './channels/registry.ts';
import { parseChannelSettings } from './channel-settings.ts';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real local HTTP provider: records requests and answers with the status the test sets. */
async function provider(): Promise<{ url: string; got: Received[]; answer: { status: number; body: string }; close(): Promise<void> }> {
  const got: Received[] = [];
  const answer = { status: 200, body: '{"id":"prov-1"}' };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/send`, got, answer, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const message: OutgoingMessage = {
  id: 'msg_test1',
  to: '+8613800000001',
  subject: '春季保养',
  body: '李娜，"冰箱" 保养 https://x.example/a',
  profileId: 'prf_1',
  campaignId: 'cmp_1',
};

describe('channel adapters', () => {
  let http: Awaited<ReturnType<typeof provider>>;
  beforeAll(async () => {
    http = await provider();
  });
  afterAll(() => http.close());

  it('sends SMS through an HTTP provider with the configured body, and tells permanent from passing failures', async () => {
    const sms = new SmsHttpAdapter({ url: http.url, apiKey: 'k1', sender: 'StoreOS' });
    expect(await sms.send(message)).toEqual({ ok: true, providerId: 'prov-1' });
    const req = http.got.at(-1);
    expect(req?.headers.authorization).toBe('Bearer k1');
    expect(req?.headers['idempotency-key']).toBe('msg_test1');
    expect(JSON.parse(req?.body ?? '')).toEqual({ to: '+8613800000001', text: message.body, reference: 'msg_test1', from: 'StoreOS' });
    const form = new SmsHttpAdapter({ url: http.url, contentType: 'application/x-www-form-urlencoded', bodyTemplate: 'mobile={{to}}&content={{text}}' });
    await form.send(message);
    expect(new URLSearchParams(http.got.at(-1)?.body).get('content')).toBe(message.body);
    http.answer.status = 503;
    expect(await sms.send(message)).toMatchObject({ ok: false, permanent: false });
    http.answer.status = 400;
    expect(await sms.send(message)).toMatchObject({ ok: false, permanent: true });
    http.answer.status = 200;
    const down = new SmsHttpAdapter({ url: 'http://127.0.0.1:1/send' });
    expect(await down.send(message)).toMatchObject({ ok: false, permanent: false });
  });

  it('signs webhook bodies with HMAC-SHA256 and a timestamp, and pushes through the same webhook', async () => {
    const hook = new WebhookAdapter({ url: http.url }, 'mksec_1');
    expect((await hook.send(message)).ok).toBe(true);
    const req = http.got.at(-1);
    const body = req?.body ?? '';
    expect(req?.headers['x-storeos-signature']).toBe(`sha256=${createHmac('sha256', 'mksec_1').update(body).digest('hex')}`);
    expect(JSON.parse(body).timestamp).toBe(Number(req?.headers['x-storeos-timestamp']));
    const push = new PushAdapter({ url: http.url }, 'mksec_1');
    await push.send({ ...message, to: 'device-token-1' });
    expect(JSON.parse(http.got.at(-1)?.body ?? '')).toMatchObject({ token: 'device-token-1', title: '春季保养', body: message.body });
  });

  it('sends a messaging-app template message through the signed webhook, with the template and the person’s app id', async () => {
    const settings = { url: http.url, templateId: 'tpl_service_reminder', page: 'pages/store/index' };
    expect(parseChannelSettings('messaging', settings)).toEqual(settings);
    expect(() => parseChannelSettings('messaging', { url: http.url })).toThrow(
      expect.objectContaining({ details: { issues: [expect.objectContaining({ path: 'body.settings.templateId' })] } }),
    );
    const messaging = buildAdapter({ id: 'chn_msg', kind: 'messaging', settings, secret: 'mksec_2', updatedAt: new Date() });
    expect(messaging.address).toBe('messaging');
    expect((await messaging.send({ ...message, to: 'oX9-openid-1' })).ok).toBe(true);
    const req = http.got.at(-1);
    expect(req?.headers['x-storeos-signature']).toBe(`sha256=${createHmac('sha256', 'mksec_2').update(req?.body ?? '').digest('hex')}`);
    expect(JSON.parse(req?.body ?? '')).toMatchObject({
      toUser: 'oX9-openid-1',
      templateId: 'tpl_service_reminder',
      page: 'pages/store/index',
      data: { title: '春季保养', content: message.body },
    });
  });

  it('records what a sink would send', async () => {
    const sink = new SinkAdapter('chn_sinktest');
    await sink.send(message);
    expect(sinkRecords('chn_sinktest')).toEqual({ messages: [message], total: 1 });
  });
});

describe('e-mail over SMTP', () => {
  let smtp: SMTPServer;
  let port = 0;
  const mails: { to: string[]; raw: string }[] = [];
  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onRcptTo(address, _session, cb) {
        if (address.address.endsWith('@bounce.example')) return cb(Object.assign(new Error('no such user'), { responseCode: 550 }));
        cb();
      },
      onData(stream, session, cb) {
        let raw = '';
        stream.on('data', (c: Buffer) => {
          raw += c.toString('utf8');
        });
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    port = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

  it('delivers text and HTML with the open pixel to a real SMTP server, and a refused address fails for good', async () => {
    const email = new EmailSmtpAdapter({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'StoreOS <hello@storeos.dev>' });
    const html = '<p>hi</p><img src="https://shop.example.com/m/o/msg_test1.gif">';
    const ok = await email.send({ ...message, to: 'li.na@example.com', html });
    expect(ok.ok).toBe(true);
    expect(mails.at(-1)?.to).toEqual(['li.na@example.com']);
    expect(mails.at(-1)?.raw).toMatch(/X-StoreOS-Message: msg_test1/i);
    expect(mails.at(-1)?.raw).toContain('m/o/msg_test1.gif');
    const refused = await email.send({ ...message, to: 'nobody@bounce.example' });
    expect(refused).toMatchObject({ ok: false, permanent: true });
    await email.close();
  });
});
