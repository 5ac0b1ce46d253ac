import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Ctx } from '../../kernel/context.ts';
import { decodeCursor, encodeCursor } from '../../kernel/context.ts';
import { notFound } from '../../kernel/errors.ts';
import { inboxItems } from './schema.ts';

const columns = {
  id: inboxItems.id,
  kind: inboxItems.kind,
  title: inboxItems.title,
  body: inboxItems.body,
  link: inboxItems.link,
  data: inboxItems.data,
  createdAt: inboxItems.createdAt,
  readAt: inboxItems.readAt,
};

/** The caller's own inbox: only a signed-in person has one (an API key's is always empty). */
function mine(ctx: Ctx) {
  return and(eq(inboxItems.tenantId, ctx.actor.tenantId), eq(inboxItems.userId, ctx.actor.kind === 'user' ? ctx.actor.id : '-'));
}

/** My notifications, unread first, then newest first, a page at a time; with the unread count. */
export async function listInbox(ctx: Ctx, q: { unreadOnly?: boolean; cursor?: string; limit: number }) {
  const unreadRank = sql<number>`(CASE WHEN ${inboxItems.readAt} IS NULL THEN 0 ELSE 1 END)`;
  const where = [mine(ctx)];
  if (q.unreadOnly) where.push(isNull(inboxItems.readAt));
  const after = decodeCursor(q.cursor, 3);
  if (after) {
    const [rank, at, id] = after;
    where.push(
      sql`(${unreadRank}, -(extract(epoch from ${inboxItems.createdAt})::float8), ${inboxItems.id}) > (${Number(rank)}, ${-Number(at)}, ${String(id)})`,
    );
  }
  const rows = await ctx.db.orm
    .select({ ...columns, rank: unreadRank, epoch: sql<number>`extract(epoch from ${inboxItems.createdAt})::float8` })
    .from(inboxItems)
    .where(and(...where))
    .orderBy(unreadRank, desc(inboxItems.createdAt), inboxItems.id)
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    data: page.map(({ rank: _r, epoch: _e, ...item }) => item),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.rank, last.epoch, last.id]) : null,
    unread: await unreadCount(ctx),
  };
}

/** How many of my notifications are unread (the bell's number). */
export async function unreadCount(ctx: Ctx): Promise<number> {
  const [row] = await ctx.db.orm
    .select({ n: sql<number>`count(*)::int` })
    .from(inboxItems)
    .where(and(mine(ctx), isNull(inboxItems.readAt)));
  return row?.n ?? 0;
}

/** Marks one of my notifications read (404 for anyone else's). */
export async function markRead(ctx: Ctx, id: string) {
  const [row] = await ctx.db.orm
    .update(inboxItems)
    .set({ readAt: sql`coalesce(${inboxItems.readAt}, now())` })
    .where(and(mine(ctx), eq(inboxItems.id, id)))
    .returning(columns);
  if (!row) notFound('notification', id);
  return row;
}

/** Marks all my notifications read; answers how many were unread. */
export async function markAllRead(ctx: Ctx): Promise<{ updated: number }> {
  const rows = await ctx.db.orm
    .update(inboxItems)
    .set({ readAt: new Date() })
    .where(and(mine(ctx), isNull(inboxItems.readAt)))
    .returning({ id: inboxItems.id });
  return { updated: rows.length };
}
