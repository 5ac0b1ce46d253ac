import { createRoute } from '@tanstack/react-router';
import { rootRoute, signedInRoute } from '../root.tsx';
import { AssetListPage } from './asset-list-page.tsx';
import { AssetPage } from './asset-page.tsx';
import { PmCalendarPage } from './pm-calendar-page.tsx';
import { PublicRequestPage } from './public-request-page.tsx';
import { MaintenanceReportsPage } from './reports-page.tsx';
import { RequestQueuePage } from './request-queue-page.tsx';
import { WorkOrderBoardPage } from './work-order-board-page.tsx';
import { WorkOrderPage } from './work-order-page.tsx';

/** /maintenance/work-orders — the board by state. */
export const workOrderBoardRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'maintenance/work-orders', component: WorkOrderBoardPage });

/** /maintenance/work-orders/{id} — one work order. */
export const workOrderRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'maintenance/work-orders/$workOrderId', component: WorkOrderPage });

/** /maintenance/assets — the assets. */
export const assetListRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'maintenance/assets', component: AssetListPage });

/** /maintenance/assets/{id} — one asset with its QR code. */
export const assetRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'maintenance/assets/$assetId', component: AssetPage });

/** /maintenance/requests — fault reports to approve. */
export const requestQueueRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'maintenance/requests', component: RequestQueuePage });

/** /maintenance/pm — the preventive-maintenance calendar. */
export const pmCalendarRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'maintenance/pm', component: PmCalendarPage });

/** /maintenance/reports — MTTA, MTTR, downtime. */
export const maintenanceReportsRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'maintenance/reports', component: MaintenanceReportsPage });

/** /r/{token} — the public fault report form behind an asset's QR code (no sign-in). */
export const publicRequestRoute = createRoute({ getParentRoute: () => rootRoute, path: 'r/$token', component: PublicRequestPage });

/** Every maintenance route, for the router. */
export const maintenanceRoutes = [workOrderBoardRoute, workOrderRoute, assetListRoute, assetRoute, requestQueueRoute, pmCalendarRoute, maintenanceReportsRoute];
