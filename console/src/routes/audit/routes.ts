import { createRoute } from '@tanstack/react-router';
import { signedInRoute } from '../root.tsx';
import { AuditPage } from './audit-page.tsx';

/** The audit log's filters; dates as YYYY-MM-DD in the browser's time zone. */
export interface AuditSearch {
  entityType?: string;
  entityId?: string;
  action?: string;
  from?: string;
  to?: string;
}

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** /audit?entityType&entityId&action&from&to — the audit log. */
export const auditRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'audit',
  validateSearch: (search: Record<string, unknown>): AuditSearch => {
    const from = text(search.from);
    const to = text(search.to);
    return {
      entityType: text(search.entityType),
      entityId: text(search.entityId),
      action: text(search.action),
      from: from && datePattern.test(from) ? from : undefined,
      to: to && datePattern.test(to) ? to : undefined,
    };
  },
  component: AuditPage,
});
