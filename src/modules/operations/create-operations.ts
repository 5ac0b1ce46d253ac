import type { Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import type { ScheduledJob } from '../../kernel/jobs.ts';
import { notify } from '../notifications/index.ts';
import { auditRoutes } from './audit-routes.ts';
import { materialiseRecurrences } from './materialise.ts';
import { type Notifier, runTaskClock } from './task-clock.ts';
import { taskRoutes } from './task-routes.ts';

/** The operations module as the app wires it: its routes and its clock jobs. */
export interface Operations {
  routes: (app: HttpApp) => Promise<void>;
  jobs: ScheduledJob[];
}

/** Creates the operations module; `notifier` replaces the notifications module (tests record what would be sent). */
export function createOperations(deps: Deps, opts: { notifier?: Notifier } = {}): Operations {
  const notifier: Notifier = opts.notifier ?? ((n, tx) => notify(deps, n, tx));
  return {
    async routes(app) {
      await app.register(taskRoutes(deps, notifier));
      await app.register(auditRoutes(deps));
    },
    jobs: [
      // Opens, marks overdue and expires tasks, and escalates overdue ones under their SLA.
      { name: 'operations-task-clock', cron: '* * * * *', run: () => runTaskClock(deps.db, notifier) },
      // Makes recurring tasks up to two weeks ahead.
      { name: 'operations-materialise', cron: '*/10 * * * *', run: () => materialiseRecurrences(deps.db) },
    ],
  };
}
