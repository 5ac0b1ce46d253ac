import { z } from 'zod';
import { ctxOf } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams, page, pageQuery } from '../../kernel/schemas.ts';
import { readSettings, settingsBody, writeSettings } from './customer-settings.ts';
import { profileInsightRoutes } from './profile-insight-routes.ts';
import type { ProfileModule } from './profile-pipeline.ts';
import { editTraits, mergeExplicit, splitBody, splitExplicit, traitsBody } from './profile-changes.ts';
import { getProfile, identityHistory, lookupProfile, profileEvents, searchProfiles } from './profiles.ts';

const json = z.record(z.string(), z.unknown());
const identity = z.object({ type: z.string(), value: z.string(), linkedAt: z.date() });

/** A person as the API shows them. */
export const profileSchema = z.object({
  id: z.string(),
  firstSeenAt: z.date(),
  lastSeenAt: z.date(),
  mergedProfileIds: z.array(z.string()),
  identities: z.array(identity),
  traits: json,
  computedTraits: json,
  rfm: z.object({
    recency: z.number().nullable(),
    frequency: z.number().nullable(),
    monetary: z.number().nullable(),
    score: z.string().nullable(),
    lastOrderAt: z.date().nullable(),
    ordersInWindow: z.number(),
    revenueInWindow: z.number(),
    lifetimeValue: z.number(),
    lifetimeOrders: z.number(),
  }),
  preferredStoreId: z.string().nullable(),
  stores: z.array(z.object({ storeId: z.string(), visits: z.number(), purchases: z.number(), revenue: z.number(), lastAt: z.date() })),
  segments: z.array(z.object({ id: z.string(), name: z.string(), enteredAt: z.date() })),
  consents: z.array(z.object({ purpose: z.string(), channel: z.string(), granted: z.boolean(), source: z.string(), at: z.date() })),
});

const eventSchema = z.object({
  messageId: z.string(),
  type: z.string(),
  event: z.string().nullable(),
  channel: z.string(),
  sourceId: z.string(),
  storeId: z.string().nullable(),
  timestamp: z.date(),
  receivedAt: z.date(),
  properties: json,
  traits: json,
});

const settingsSchema = z.object({
  identity: z.object({
    limits: z.record(z.string(), z.number()),
    priority: z.array(z.string()),
    blocked: z.record(z.string(), z.array(z.string())),
    custom: z.array(z.object({ type: z.string(), paths: z.array(z.string()) })),
  }),
  rfm: z.object({ orderEvent: z.string(), frequencyDays: z.number(), monetaryDays: z.number() }),
  boundaries: z.object({ recency: z.array(z.number()), frequency: z.array(z.number()), monetary: z.array(z.number()) }),
});

const tags = ['profiles'];

/** Profiles: lookup, 360° view, timeline, search, identity history, merge and split, trait edits, settings. */
export function profileRoutes(m: ProfileModule) {
  const { db } = m.deps;
  return async (app: HttpApp) => {
    await app.register(profileInsightRoutes(m));
    app.get(
      '/profiles/lookup',
      {
        schema: {
          tags,
          summary: 'A person by one identifier (email, phone, member_card, user_id, anonymous_id, device_id or a custom type)',
          querystring: z.object({ type: z.string().min(1).max(40), value: z.string().min(1).max(300) }),
          response: { 200: profileSchema, ...errors },
        },
      },
      async (req) => {
        const ctx = ctxOf(db, req);
        return lookupProfile(ctx, (await m.rt.settings.get(ctx.actor.tenantId)).identity, req.query.type, req.query.value);
      },
    );
    app.get(
      '/profiles/search',
      {
        schema: {
          tags,
          summary: 'People with an identifier equal to the text (normalised as each type would be)',
          querystring: z.object({ q: z.string().trim().min(1).max(300), limit: z.coerce.number().int().min(1).max(100).default(20) }),
          response: {
            200: z.object({
              data: z.array(z.object({ id: z.string(), matched: z.object({ type: z.string(), value: z.string() }), traits: json, lastSeenAt: z.date() })),
            }),
            ...errors,
          },
        },
      },
      async (req) => {
        const ctx = ctxOf(db, req);
        return searchProfiles(ctx, (await m.rt.settings.get(ctx.actor.tenantId)).identity, req.query.q, req.query.limit);
      },
    );
    app.get(
      '/profiles/:id',
      {
        schema: { tags, summary: 'One person (a merged id answers with the profile it joined)', params: idParams, response: { 200: profileSchema, ...errors } },
      },
      async (req) => getProfile(ctxOf(db, req), req.params.id),
    );
    app.get(
      '/profiles/:id/events',
      {
        schema: {
          tags,
          summary: "A person's events across channels and stores, newest first",
          params: idParams,
          querystring: z.object(pageQuery),
          response: { 200: page(eventSchema), ...errors },
        },
      },
      async (req) => profileEvents(ctxOf(db, req), req.params.id, req.query),
    );
    app.get(
      '/profiles/:id/identity-history',
      {
        schema: {
          tags,
          summary: 'Merges, splits, dropped links and re-homed identifiers of a person',
          params: idParams,
          response: {
            200: z.object({
              data: z.array(
                z.object({
                  kind: z.string(),
                  profileId: z.string(),
                  otherProfileId: z.string().nullable(),
                  identifiers: z.array(z.object({ type: z.string(), value: z.string() })),
                  reason: z.string(),
                  messageId: z.string().nullable(),
                  actor: z.string().nullable(),
                  at: z.date(),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (req) => identityHistory(ctxOf(db, req), req.params.id),
    );
    app.post(
      '/profiles/:id/merge',
      {
        schema: {
          tags,
          summary: 'Merge another profile into this one (the older keeps its id); memberships, traits and computed traits follow',
          params: idParams,
          body: z.strictObject({ otherProfileId: z.string().min(1).max(64) }),
          response: { 200: profileSchema, ...errors },
        },
      },
      async (req) => mergeExplicit(ctxOf(db, req), m.rt, req.params.id, req.body.otherProfileId),
    );
    app.post(
      '/profiles/:id/split',
      {
        schema: {
          tags,
          summary: 'Split identifiers (and the events sent under them) off into a new profile',
          params: idParams,
          body: splitBody,
          response: { 200: z.object({ profile: profileSchema, newProfile: profileSchema }), ...errors },
        },
      },
      async (req) => splitExplicit(ctxOf(db, req), m.rt, m.graph, req.params.id, req.body),
    );
    app.patch(
      '/profiles/:id/traits',
      {
        schema: {
          tags,
          summary: 'Set traits by hand (null removes one); kept in the trait history',
          params: idParams,
          body: traitsBody,
          response: { 200: profileSchema, ...errors },
        },
      },
      async (req) => editTraits(ctxOf(db, req), m.rt, req.params.id, req.body.traits),
    );
    app.get('/customer-settings', { schema: { tags, summary: 'Identity rules and RFM windows', response: { 200: settingsSchema, ...errors } } }, async (req) =>
      readSettings(ctxOf(db, req), m.rt.settings),
    );
    app.put(
      '/customer-settings',
      {
        schema: {
          tags,
          summary: 'Change identity rules (limits, priority, blocked values, custom identifiers) or RFM windows',
          body: settingsBody,
          response: { 200: settingsSchema, ...errors },
        },
      },
      async (req) => writeSettings(ctxOf(db, req), m.rt.settings, req.body),
    );
  };
}
