import { createRoute } from '@tanstack/react-router';
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
  component: SignInPage,
});
