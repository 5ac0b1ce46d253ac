import type { Database, Executor } from '../../kernel/db.ts';
import { newId } from '../../kernel/ids.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import { and, eq } from 'drizzle-orm';
import { activeUsers, orgUnits, type Recipient, type Role, roleHolders } from '../org/index.ts';
import { inboxItems, notificationDeliveries, webhookEndpoints } from './schema.ts';

/** Who hears about it: named users, and/or the holders of a role on the org unit or any unit above it. */
export interface NotifyTarget {
  userIds?: string[];
  role?: Role;
}

/** One notification: what happened, in a title and a body, with a console link and data for webhooks. */
export interface Notification {
  tenantId: string;
  orgUnitId: string;
  to: NotifyTarget;
  kind: string;
  title: string;
  body: string;
  link?: string;
  data?: Record<string, unknown>;
}

/** The outbox topic whose subscriber hands deliveries to the job queue once the notification's transaction commits. */
export const deliveriesQueued = 'notification.deliveries_queued';

let emailEnabled = false;

/** Turns e-mail deliveries on or off for this process (on when STOREOS_SMTP_URL is set). */
export function enableEmail(on: boolean): void {
  emailEnabled = on;
}

async function recipientsOf(db: Executor, n: Notification): Promise<Recipient[]> {
  const found = new Map<string, Recipient>();
  for (const r of await activeUsers(db, n.tenantId, n.to.userIds ?? [])) found.set(r.id, r);
  if (n.to.role) for (const r of await roleHolders(db, n.tenantId, n.orgUnitId, n.to.role)) found.set(r.id, r);
  return [...found.values()];
}

/**
 * Notifies people: in-app inbox rows, and one delivery per matching webhook endpoint and per recipient's e-mail,
 * written in the caller's transaction (or its own). Deliveries leave only after commit, through the outbox and the
 * job queue, so a rolled-back change notifies nobody. Answers who was notified.
 */
export async function notify(deps: { db: Database }, n: Notification, tx?: Executor): Promise<{ userIds: string[]; deliveries: number }> {
  if (!tx) return deps.db.orm.transaction((own) => notify(deps, n, own));
  const people = await recipientsOf(tx, n);
  const now = new Date();
  const [unit] = await tx
    .select({ path: orgUnits.path })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, n.tenantId), eq(orgUnits.id, n.orgUnitId)));
  const orgPath = unit?.path ?? null;
  if (people.length) {
    await tx
      .insert(inboxItems)
      .values(
        people.map((p) => ({
          id: newId('ntf'),
          tenantId: n.tenantId,
          userId: p.id,
          orgPath,
          kind: n.kind,
          title: n.title,
          body: n.body,
          link: n.link ?? null,
          data: n.data ?? {},
          createdAt: now,
        })),
      );
  }
  const payload = {
    id: newId('evt'),
    kind: n.kind,
    tenantId: n.tenantId,
    orgUnitId: n.orgUnitId,
    title: n.title,
    body: n.body,
    link: n.link ?? null,
    data: n.data ?? {},
    createdAt: now.toISOString(),
  };
  const endpoints = await tx
    .select({ id: webhookEndpoints.id, url: webhookEndpoints.url, kinds: webhookEndpoints.kinds })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, n.tenantId), eq(webhookEndpoints.active, true)));
  const deliveries = [
    ...endpoints
      .filter((e) => e.kinds.length === 0 || e.kinds.includes(n.kind))
      .map((e) => ({ id: newId('dlv'), tenantId: n.tenantId, channel: 'webhook' as const, endpointId: e.id, recipient: e.url, kind: n.kind, payload })),
    ...(emailEnabled
      ? people
          .filter((p) => p.email)
          .map((p) => ({ id: newId('dlv'), tenantId: n.tenantId, channel: 'email' as const, endpointId: null, recipient: p.email, kind: n.kind, payload }))
      : []),
  ];
  if (deliveries.length) {
    await tx.insert(notificationDeliveries).values(deliveries);
    await publishEvent(tx, n.tenantId, deliveriesQueued, { deliveryIds: deliveries.map((d) => d.id) });
  }
  return { userIds: people.map((p) => p.id), deliveries: deliveries.length };
}
