import { createRoute } from '@tanstack/react-router';
import { signedInRoute } from '../root.tsx';
import { ApprovalQueuePage } from './approval-queue-page.tsx';
import { AuditListPage } from './audit-list-page.tsx';
import { AuditRunnerPage } from './audit-runner-page.tsx';
import { ReportsPage } from './reports-page.tsx';
import { TaskPage } from './task-page.tsx';
import { TemplateDesignerPage } from './template-designer-page.tsx';
import { TemplateListPage } from './template-list-page.tsx';
import { TodayBoardPage } from './today-board-page.tsx';

/** /operations/board?storeId&view — a store's today board. */
export const boardRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'operations/board',
  validateSearch: (search: Record<string, unknown>): { storeId?: string; view?: 'mine' | 'all' } => ({
    storeId: typeof search.storeId === 'string' && search.storeId ? search.storeId : undefined,
    view: search.view === 'all' ? 'all' : search.view === 'mine' ? 'mine' : undefined,
  }),
  component: TodayBoardPage,
});

/** /operations/tasks/{id} — one task, answered or approved. */
export const taskRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'operations/tasks/$taskId', component: TaskPage });

/** /operations/templates — templates and sends. */
export const templateListRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'operations/templates', component: TemplateListPage });

/** /operations/templates/{id|new} — the template designer. */
export const templateRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'operations/templates/$templateId', component: TemplateDesignerPage });

/** /operations/approvals — the approval queue. */
export const approvalsRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'operations/approvals', component: ApprovalQueuePage });

/** /operations/audits — audits and corrective actions. */
export const auditListRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'operations/audits', component: AuditListPage });

/** /operations/audits/{id} — the audit runner. */
export const auditRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'operations/audits/$auditId', component: AuditRunnerPage });

/** /operations/reports — completion, on-time and audit reports. */
export const reportsRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'operations/reports', component: ReportsPage });

/** Every operations route, for the router's tree. */
export const operationsRoutes = [boardRoute, taskRoute, templateListRoute, templateRoute, approvalsRoute, auditListRoute, auditRoute, reportsRoute] as const;
