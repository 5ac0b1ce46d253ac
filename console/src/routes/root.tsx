// The two top routes every other route hangs from: the root, and the signed-in layout.
import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, createRoute, Outlet } from '@tanstack/react-router';
import { AppLayout } from '../components/app-layout.tsx';
import { NotFoundPage } from '../components/not-found-page.tsx';

export interface RouterContext {
  queryClient: QueryClient;
}

export const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFoundPage,
});

/** Everything but sign-in: needs a Session, drawn inside the console's layout. */
export const signedInRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'signed-in',
  component: AppLayout,
});
