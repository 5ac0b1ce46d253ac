import { createRoute, redirect } from '@tanstack/react-router';
import { loadSession } from '../../lib/auth.tsx';
import { rootRoute } from '../root.tsx';
import { SignInPage } from './sign-in-page.tsx';

export interface SignInSearch {
  redirect?: string;
}

/** /sign-in?redirect=… */
export const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'sign-in',
  validateSearch: (search: Record<string, unknown>): SignInSearch => ({
    redirect: typeof search.redirect === 'string' ? search.redirect : undefined,
  }),
  // someone already signed in has nothing to do here
  beforeLoad: async ({ context }) => {
    if (await loadSession(context.queryClient)) throw redirect({ to: '/' });
  },
  component: SignInPage,
});
