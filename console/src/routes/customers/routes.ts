import { createRoute } from '@tanstack/react-router';
import { signedInRoute } from '../root.tsx';
import { ComputedTraitsPage } from './computed-traits/computed-traits-page.tsx';
import { type SourceChannel, sourceChannels } from './customer-types.ts';
import { PrivacyPage } from './privacy/privacy-page.tsx';
import { ProfilePage } from './profiles/profile-page.tsx';
import { ProfileSearchPage } from './profiles/profile-search-page.tsx';
import { SegmentCreatePage, SegmentEditPage } from './segments/segment-editor-page.tsx';
import { SegmentListPage } from './segments/segment-list-page.tsx';
import { SegmentPage } from './segments/segment-page.tsx';
import { SourceListPage } from './sources/source-list-page.tsx';
import { SourcePage } from './sources/source-page.tsx';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : typeof value === 'number' ? String(value) : undefined;
}

/** /customers/sources?channel — the sources in the caller's scope. */
export const sourceListRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'customers/sources',
  validateSearch: (search: Record<string, unknown>): { channel?: SourceChannel } => ({ channel: sourceChannels.find((c) => c === search.channel) }),
  component: SourceListPage,
});

/** /customers/sources/{id} — one source with its live debugger. */
export const sourceRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'customers/sources/$sourceId', component: SourcePage });

/** /customers/profiles?type&q — people by any identifier. */
export const profileSearchRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'customers/profiles',
  validateSearch: (search: Record<string, unknown>): { type?: string; q?: string } => ({ type: text(search.type), q: text(search.q) }),
  component: ProfileSearchPage,
});

/** The person page's tabs. */
export const profileTabs = ['overview', 'timeline', 'identities', 'traits'] as const;
export type ProfileTab = (typeof profileTabs)[number];

/** /customers/profiles/{id}?tab — one person, 360°. */
export const customerProfileRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'customers/profiles/$profileId',
  validateSearch: (search: Record<string, unknown>): { tab?: ProfileTab } => ({ tab: profileTabs.find((tab) => tab === search.tab) }),
  component: ProfilePage,
});

/** /customers/segments — every segment. */
export const segmentListRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'customers/segments', component: SegmentListPage });

/** /customers/segments/new — the builder for a new segment. */
export const segmentCreateRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'customers/segments/new', component: SegmentCreatePage });

/** /customers/segments/{id} — one segment, its size over time and members. */
export const segmentRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'customers/segments/$segmentId', component: SegmentPage });

/** /customers/segments/{id}/edit — the builder for a segment. */
export const segmentEditRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'customers/segments/$segmentId/edit', component: SegmentEditPage });

/** /customers/traits?tab — computed traits and customer settings. */
export const computedTraitsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'customers/traits',
  validateSearch: (search: Record<string, unknown>): { tab?: 'settings' } => ({ tab: search.tab === 'settings' ? 'settings' : undefined }),
  component: ComputedTraitsPage,
});

/** /customers/privacy — deletion and export requests. */
export const privacyRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'customers/privacy', component: PrivacyPage });

/** Every customer route, for the router's tree. */
export const customerRoutes = [
  sourceListRoute,
  sourceRoute,
  profileSearchRoute,
  customerProfileRoute,
  segmentListRoute,
  segmentCreateRoute,
  segmentRoute,
  segmentEditRoute,
  computedTraitsRoute,
  privacyRoute,
] as const;
