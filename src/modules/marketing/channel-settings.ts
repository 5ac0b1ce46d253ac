import { z } from 'zod';
import { AppError } from '../../kernel/errors.ts';
import type { ChannelKind } from './schema.ts';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(2000);

const consentName = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, { error: 'a consent channel name such as sms, email, push' });

/** The settings each channel kind accepts (unknown fields refused). */
export const channelSettingsSchemas = {
  sink: z.strictObject({ failEvery: z.number().int().min(2).max(1_000_000).optional(), consentChannel: consentName.optional() }),
  webhook: z.strictObject({ url: httpUrl, consentChannel: consentName.optional() }),
  push: z.strictObject({ url: httpUrl }),
  messaging: z.strictObject({
    url: httpUrl,
    /** The template approved on the messaging app (its id there); each send fills its fields. */
    templateId: z.string().min(1).max(200),
    /** The page the message opens in the app, when it links anywhere. */
    page: z.string().max(500).optional(),
  }),
  sms: z.strictObject({
    url: httpUrl,
    bodyTemplate: z.string().min(1).max(4000).optional(),
    contentType: z.enum(['application/json', 'application/x-www-form-urlencoded']).optional(),
    apiKey: z.string().min(1).max(500).optional(),
    sender: z.string().max(50).optional(),
  }),
  email: z.strictObject({
    smtpUrl: z
      .string()
      .max(2000)
      .refine((v) => /^smtps?:\/\/[^\s]+$/.test(v), { error: 'must be an smtp:// or smtps:// URL' }),
    from: z.string().min(3).max(300),
  }),
} satisfies Record<ChannelKind, z.ZodType>;

export const channelKinds = Object.keys(channelSettingsSchemas) as ChannelKind[];

/** Checks a channel's settings for its kind; 400 naming each bad field. */
export function parseChannelSettings(kind: ChannelKind, settings: unknown): Record<string, unknown> {
  const r = channelSettingsSchemas[kind].safeParse(settings ?? {});
  if (!r.success) {
    throw new AppError('invalid', `settings do not suit a ${kind} channel`, {
      issues: r.error.issues.map((i) => ({ path: ['body', 'settings', ...i.path.map(String)].join('.'), message: i.message })),
    });
  }
  return r.data;
}

/** What stands for a secret in the settings the API shows. */
export const secretMask = '••••';

/** Settings as the API shows them: an API key and an SMTP password never leave the server. */
export function shownSettings(settings: Record<string, unknown>): Record<string, unknown> {
  const out = { ...settings };
  if (typeof out.apiKey === 'string') out.apiKey = secretMask;
  if (typeof out.smtpUrl === 'string') {
    try {
      const u = new URL(out.smtpUrl);
      if (u.password) u.password = secretMask;
      out.smtpUrl = u.toString();
    } catch {}
  }
  return out;
}

/**
 * New settings with the stored secrets kept where the caller did not give new ones: an `apiKey` left out or sent back
 * masked, an SMTP URL whose password is the mask (the console edits the shown settings, never seeing a secret).
 */
export function keptSecrets(stored: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  const out = { ...next };
  if (typeof stored.apiKey === 'string' && (out.apiKey === undefined || out.apiKey === secretMask)) out.apiKey = stored.apiKey;
  if (typeof stored.smtpUrl === 'string' && typeof out.smtpUrl === 'string') {
    try {
      const u = new URL(out.smtpUrl);
      if (decodeURIComponent(u.password) === secretMask) {
        u.password = new URL(stored.smtpUrl).password;
        out.smtpUrl = u.toString();
      }
    } catch {}
  }
  return out;
}

/** The consent channel a channel's sends are checked against: its kind, or for a sink or webhook the one it stands for. */
export function consentChannelOf(c: { kind: ChannelKind; settings: Record<string, unknown> }): string {
  if ((c.kind === 'sink' || c.kind === 'webhook') && typeof c.settings.consentChannel === 'string') return c.settings.consentChannel;
  return c.kind;
}
