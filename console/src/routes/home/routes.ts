import { createRoute } from '@tanstack/react-router';
import { signedInRoute } from '../root.tsx';
import { DashboardPage } from './dashboard-page.tsx';

/** / — the dashboard. */
export const homeRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/',
  component: DashboardPage,
});
