/** The notifications module: the in-app inbox, signed webhooks and e-mail, delivered after commit through the job queue. */
export { attemptDelivery, signBody } from './delivery.ts';
export { deliveryQueue, notificationDeliverySubscriber, startNotificationDelivery, stopNotificationDelivery } from './delivery-queue.ts';
export { enableEmail, type Notification, type NotifyTarget, notify } from './notify.ts';
export { notificationRoutes } from './routes.ts';
export { inboxItems, notificationDeliveries, webhookEndpoints } from './schema.ts';
