import type { Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import type { ScheduledJob } from '../../kernel/jobs.ts';
import { assetRoutes } from './asset-routes.ts';
import { escalateWorkOrders } from './escalation.ts';
import { maintenanceRoutes } from './maintenance-routes.ts';
import { runPreventiveMaintenance } from './pm-run.ts';
import { pmRoutes } from './pm-routes.ts';
import { defaultPublicFormLimits, type PublicFormLimits, publicFormRoutes } from './public-routes.ts';
import { workOrderRoutes } from './work-order-routes.ts';

/** The maintenance module as the app wires it: its routes under /api/v1 and its recurring jobs. */
export interface Maintenance {
  routes: (app: HttpApp) => Promise<void>;
  jobs: ScheduledJob[];
}

/** Creates the maintenance module; `limits` tunes the public QR form's flood guard. */
export function createMaintenance(deps: Deps, opts: { limits?: PublicFormLimits } = {}): Maintenance {
  return {
    async routes(app) {
      await app.register(assetRoutes(deps));
      await app.register(workOrderRoutes(deps));
      await app.register(pmRoutes(deps));
      await app.register(maintenanceRoutes(deps));
      await app.register(publicFormRoutes(deps, opts.limits ?? defaultPublicFormLimits));
    },
    jobs: [
      // SLA escalation every minute; each work order steps once per breach level.
      { name: 'maintenance-escalate', cron: '* * * * *', run: () => escalateWorkOrders(deps.db) },
      // PM work orders ahead of their due dates, and meter readings, every 15 minutes.
      { name: 'maintenance-pm-run', cron: '*/15 * * * *', run: () => runPreventiveMaintenance(deps.db) },
    ],
  };
}
