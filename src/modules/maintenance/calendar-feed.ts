import { createHash } from 'node:crypto';
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import ical from 'ical-generator';
import { AppError, notFound } from '../../kernel/errors.ts';
import { requireScope } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { newSecret } from '../../kernel/ids.ts';
import { stores } from '../stores/index.ts';
import { assets, calendarFeeds, pmSchedules, workOrders } from './schema.ts';
import { openStatuses } from './work-order-states.ts';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Makes (or replaces) the caller's secret calendar URL; the old one stops working. Shown once. */
export async function issueCalendarFeed(ctx: Ctx): Promise<{ path: string }> {
  requireScope(ctx.actor, 'maintenance:read');
  if (ctx.actor.kind !== 'user') throw new AppError('forbidden', 'only a signed-in person has a calendar feed');
  const token = `cal_${newSecret(24)}`;
  await ctx.db.orm
    .insert(calendarFeeds)
    .values({ userId: ctx.actor.id, tenantId: ctx.actor.tenantId, tokenHash: hash(token) })
    .onConflictDoUpdate({ target: calendarFeeds.userId, set: { tokenHash: hash(token), createdAt: new Date() } });
  return { path: `/api/v1/maintenance/ical/${token}` };
}

/**
 * A technician's iCalendar (RFC 5545): their open work orders at their due date (or SLA resolution time), and the
 * next due date of PM schedules assigned to them, each an hour long, for the phone's calendar app.
 */
export async function calendarFeed(db: Executor, token: string, baseUrl: string): Promise<string> {
  const [feed] = await db
    .select()
    .from(calendarFeeds)
    .where(eq(calendarFeeds.tokenHash, hash(token)));
  if (!feed) notFound('calendar', 'for this link');
  const cal = ical({ name: 'StoreOS maintenance', prodId: { company: 'StoreOS', product: 'maintenance', language: 'EN' }, ttl: 900 });
  const wos = await db
    .select({ wo: workOrders, storeName: stores.name, assetName: assets.name })
    .from(workOrders)
    .innerJoin(stores, eq(stores.id, workOrders.storeId))
    .leftJoin(assets, eq(assets.id, workOrders.assetId))
    .where(and(eq(workOrders.tenantId, feed.tenantId), eq(workOrders.assigneeUserId, feed.userId), inArray(workOrders.status, [...openStatuses])))
    .limit(500);
  for (const { wo, storeName, assetName } of wos) {
    const start = wo.dueAt ?? wo.resolutionDueAt ?? wo.createdAt;
    cal.createEvent({
      id: `${wo.id}@storeos`,
      start,
      end: new Date(start.getTime() + 3_600_000),
      summary: `[${wo.priority}] ${wo.title}`,
      description: [assetName, wo.description].filter(Boolean).join('\n'),
      location: storeName,
      url: `${baseUrl}/maintenance/work-orders/${wo.id}`,
    });
  }
  const pms = await db
    .select({ s: pmSchedules, storeName: stores.name, assetName: assets.name })
    .from(pmSchedules)
    .innerJoin(stores, eq(stores.id, pmSchedules.storeId))
    .innerJoin(assets, eq(assets.id, pmSchedules.assetId))
    .where(
      and(eq(pmSchedules.tenantId, feed.tenantId), eq(pmSchedules.assigneeUserId, feed.userId), eq(pmSchedules.active, true), isNotNull(pmSchedules.nextDueAt)),
    )
    .limit(500);
  for (const { s, storeName, assetName } of pms) {
    if (!s.nextDueAt) continue;
    cal.createEvent({
      id: `${s.id}-${s.nextDueAt.getTime()}@storeos`,
      start: s.nextDueAt,
      end: new Date(s.nextDueAt.getTime() + 3_600_000),
      summary: `PM: ${s.title}`,
      description: assetName,
      location: storeName,
    });
  }
  return cal.toString();
}
