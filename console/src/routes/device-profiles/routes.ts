import { createRoute } from '@tanstack/react-router';
import { signedInRoute } from '../root.tsx';
import { ProfileListPage } from './profile-list-page.tsx';
import { ProfilePage } from './profile-page.tsx';

/** /device-profiles — the tenant's device profiles. */
export const profileListRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'device-profiles',
  component: ProfileListPage,
});

export const profileTabs = ['rules', 'settings'] as const;
export type ProfileTab = (typeof profileTabs)[number];

/** /device-profiles/{id}?tab — one profile: its alarm rules (with the test bench) and its settings. */
export const profileRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'device-profiles/$profileId',
  validateSearch: (search: Record<string, unknown>): { tab?: ProfileTab } => ({ tab: profileTabs.find((tab) => tab === search.tab) }),
  component: ProfilePage,
});
