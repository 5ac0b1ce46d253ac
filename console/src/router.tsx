// The console's route tree, built in code (no file-based route generation).
import type { QueryClient } from '@tanstack/react-query';
import { createRouter } from '@tanstack/react-router';
import { alarmListRoute } from './routes/alarms/routes.ts';
import { apiKeysRoute } from './routes/api-keys/routes.ts';
import { auditRoute } from './routes/audit/routes.ts';
import { profileListRoute, profileRoute } from './routes/device-profiles/routes.ts';
import { deviceListRoute, deviceRoute } from './routes/devices/routes.ts';
import { signInRoute } from './routes/auth/routes.ts';
import { customerRoutes } from './routes/customers/routes.ts';
import { homeRoute } from './routes/home/routes.ts';
import { maintenanceRoutes, publicRequestRoute } from './routes/maintenance/routes.ts';
import { marketingRoutes } from './routes/marketing/routes.ts';
import { journeyRoutes } from './routes/marketing/journey-routes.ts';
import { operationsRoutes } from './routes/operations/routes.ts';
import { orgRoute } from './routes/org/routes.ts';
import { rootRoute, signedInRoute } from './routes/root.tsx';
import { storeImportRoute, storeListRoute, storeRoute } from './routes/stores/routes.ts';
import { usersRoute } from './routes/users/routes.ts';

const routeTree = rootRoute.addChildren([
  signInRoute,
  publicRequestRoute,
  signedInRoute.addChildren([
    homeRoute,
    orgRoute,
    storeListRoute,
    storeImportRoute,
    storeRoute,
    deviceListRoute,
    deviceRoute,
    alarmListRoute,
    profileListRoute,
    profileRoute,
    usersRoute,
    apiKeysRoute,
    auditRoute,
    ...customerRoutes,
    ...operationsRoutes,
    ...maintenanceRoutes,
    ...marketingRoutes,
    ...journeyRoutes,
  ]),
]);

/** Creates the console's router. */
export function createConsoleRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: 'intent',
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createConsoleRouter>;
  }
}
