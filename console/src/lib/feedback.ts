// Toasts and notifications from outside React (the query cache's error hooks), through the
// antd App context so they follow the theme and the locale.
import type { MessageInstance } from 'antd/es/message/interface';
import type { NotificationInstance } from 'antd/es/notification/interface';
import { ApiError } from './api-client.ts';
import { i18n } from './i18n.ts';

let messageApi: MessageInstance | null = null;
let notificationApi: NotificationInstance | null = null;

/** Hands the antd App's message and notification instances to code outside components. */
export function connectFeedback(message: MessageInstance, notification: NotificationInstance): void {
  messageApi = message;
  notificationApi = notification;
}

/** Shows a short success toast. */
export function showSuccess(text: string): void {
  void messageApi?.success(text);
}

/** Shows what went wrong: the server's message, or a generic one for network failures. */
export function showError(error: unknown): void {
  if (error instanceof ApiError) {
    const text = error.code === 'network' ? i18n.t('errors.network') : error.message;
    void messageApi?.error({ content: text, key: `${error.code}:${text}` });
    return;
  }
  void messageApi?.error(error instanceof Error ? error.message : String(error));
}

/** Shows a notification that stays until closed, for errors the user must read (a refused transition). */
export function showNotice(title: string, description: string): void {
  notificationApi?.error({ title, description, duration: 8 });
}
