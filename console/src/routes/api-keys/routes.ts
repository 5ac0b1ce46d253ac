import { createRoute } from '@tanstack/react-router';
import { signedInRoute } from '../root.tsx';
import { ApiKeysPage } from './api-keys-page.tsx';

/** /api-keys — the tenant's API keys. */
export const apiKeysRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'api-keys',
  component: ApiKeysPage,
});
