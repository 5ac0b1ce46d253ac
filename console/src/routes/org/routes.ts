import { createRoute } from '@tanstack/react-router';
import { signedInRoute } from '../root.tsx';
import { OrgPage } from './org-page.tsx';

export interface OrgSearch {
  /** The selected unit. */
  unit?: string;
}

/** /org?unit=… — the org tree. */
export const orgRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'org',
  validateSearch: (search: Record<string, unknown>): OrgSearch => ({
    unit: typeof search.unit === 'string' && search.unit ? search.unit : undefined,
  }),
  component: OrgPage,
});
