// Request and answer schemas of the campaign routes (campaign-routes.ts), for validation and the OpenAPI document.
import { z } from 'zod';
import { text } from '../../kernel/schemas.ts';

export const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'a local time HH:MM' });
export const variant = z.strictObject({
  key: z.string().regex(/^[A-Za-z0-9_-]{1,20}$/),
  templateId: z.string().min(1).max(64),
  weight: z.number().int().min(1).max(100).default(1),
});
export const schedule = z.strictObject({
  kind: z.enum(['now', 'at', 'recurring']),
  at: z.iso.datetime({ offset: true }).optional(),
  rrule: z.string().max(500).optional(),
});
export const segmentIds = z.array(z.string().min(1).max(64)).max(20);
export const body = z.strictObject({
  name: text(120),
  orgUnitId: z.string().max(64).optional(),
  channelId: z.string().min(1).max(64),
  purpose: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/)
    .optional(),
  includeSegments: segmentIds.min(1),
  excludeSegments: segmentIds.optional(),
  variants: z.array(variant).min(1).max(5),
  holdoutPercent: z.number().int().min(0).max(50).optional(),
  schedule,
  quietStart: clock.optional(),
  quietEnd: clock.optional(),
  ratePerMinute: z.number().int().min(1).max(1_000_000).optional(),
  attributionDays: z.number().int().min(1).max(90).optional(),
});
export const campaign = z.object({
  id: z.string(),
  orgUnitId: z.string(),
  orgPath: z.string(),
  name: z.string(),
  status: z.string(),
  channelId: z.string(),
  purpose: z.string(),
  includeSegments: z.array(z.string()),
  excludeSegments: z.array(z.string()),
  variants: z.array(z.object({ key: z.string(), templateId: z.string(), weight: z.number() })),
  holdoutPercent: z.number(),
  schedule: z.object({ kind: z.string(), at: z.string().optional(), rrule: z.string().optional() }),
  quietStart: z.string(),
  quietEnd: z.string(),
  ratePerMinute: z.number(),
  attributionDays: z.number(),
  currentRun: z.string().nullable(),
  nextRunAt: z.date().nullable(),
  createdBy: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export const funnel = {
  planned: z.number(),
  holdout: z.number(),
  skipped: z.number(),
  queued: z.number(),
  sent: z.number(),
  delivered: z.number(),
  failed: z.number(),
  bounced: z.number(),
  opened: z.number(),
  clicked: z.number(),
  treated: z.number(),
  converted: z.number(),
  revenue: z.number(),
};
export const lift = z.object({
  treatmentRate: z.number(),
  controlRate: z.number(),
  lift: z.number(),
  low: z.number(),
  high: z.number(),
  relative: z.number().nullable(),
  significant: z.boolean(),
});
export const results = z.object({
  campaignId: z.string(),
  status: z.string(),
  attributionDays: z.number(),
  total: z.object(funnel),
  control: z.object({ size: z.number(), converted: z.number(), revenue: z.number() }),
  lift: lift.nullable(),
  variants: z.array(
    z.object({ key: z.string(), ...funnel, conversionRate: z.number(), versusFirst: z.object({ z: z.number(), pValue: z.number() }).nullable() }),
  ),
});
export const credited = z.array(z.object({ key: z.string(), name: z.string().nullable(), conversions: z.number(), revenue: z.number() }));
/** The journey and step a journey's message was sent by. */
export const journeyRef = z.object({ id: z.string(), name: z.string(), stepId: z.string() });

export const profileMessage = z.object({
  id: z.string(),
  /** The campaign that sent it, or null for a journey's message (then `journey` says which journey and step). */
  campaignId: z.string().nullable(),
  campaignName: z.string().nullable(),
  journey: journeyRef.nullable(),
  channelKind: z.string(),
  variant: z.string(),
  status: z.string(),
  skipReason: z.string().nullable(),
  subject: z.string().nullable(),
  body: z.string().nullable(),
  sentAt: z.date().nullable(),
  deliveredAt: z.date().nullable(),
  openedAt: z.date().nullable(),
  clickedAt: z.date().nullable(),
  createdAt: z.date(),
});
