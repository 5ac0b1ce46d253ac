import type PgBoss from 'pg-boss';
import type { Subscriber } from '../../kernel/outbox.ts';
import { attemptDelivery, type DeliveryDeps, maxDeliveryAttempts } from './delivery.ts';
import { deliveriesQueued } from './notify.ts';

/** The pg-boss queue of webhook and e-mail deliveries, one job per delivery, retried with exponential backoff. */
export const deliveryQueue = 'notification-delivery';
const retry = { retryLimit: maxDeliveryAttempts - 1, retryDelay: 5, retryBackoff: true };

let boss: PgBoss | undefined;

/** Starts working the delivery queue on this node; from then on committed notifications go through it. */
export async function startNotificationDelivery(jobs: PgBoss, deps: DeliveryDeps): Promise<void> {
  await jobs.createQueue(deliveryQueue);
  await jobs.work<{ id: string }>(deliveryQueue, async ([job]) => {
    if (!job) return;
    // Throwing hands the job back to pg-boss, which tries it again later (5 s, 10 s, 20 s … with jitter).
    if ((await attemptDelivery(deps, job.data.id)) === 'retry') throw new Error(`delivery ${job.data.id} failed; retrying`);
  });
  boss = jobs;
}

/** Stops sending to the queue (the node is stopping). */
export function stopNotificationDelivery(): void {
  boss = undefined;
}

/**
 * The outbox subscriber that runs once a notification's transaction committed: it queues one job per delivery.
 * Without a job queue (a test, a CLI command) it tries them at once, and the outbox retries the ones that failed.
 */
export function notificationDeliverySubscriber(deps: DeliveryDeps): Subscriber {
  return {
    name: 'notifications-deliver',
    topic: deliveriesQueued,
    async handle(event) {
      const ids = Array.isArray(event.payload.deliveryIds) ? event.payload.deliveryIds.map(String) : [];
      const queue = boss;
      if (queue) {
        for (const id of ids) await queue.send(deliveryQueue, { id }, { ...retry, singletonKey: id });
        return;
      }
      const results = await Promise.all(ids.map((id) => attemptDelivery(deps, id)));
      if (results.includes('retry')) throw new Error('some deliveries failed; the outbox will try again');
    },
  };
}
