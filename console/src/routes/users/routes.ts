import { createRoute } from '@tanstack/react-router';
import { signedInRoute } from '../root.tsx';
import { UsersPage } from './users-page.tsx';

export interface UsersSearch {
  q?: string;
  tab?: 'users' | 'roles';
}

/** /users?q&tab — users and the role matrix. */
export const usersRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'users',
  validateSearch: (search: Record<string, unknown>): UsersSearch => ({
    q: typeof search.q === 'string' && search.q.trim() ? search.q.trim() : undefined,
    tab: search.tab === 'roles' ? 'roles' : undefined,
  }),
  component: UsersPage,
});
