import { createRoute } from '@tanstack/react-router';
import { signedInRoute } from '../root.tsx';
import { DeviceListPage } from './device-list-page.tsx';
import { DevicePage } from './device-page.tsx';
import type { DeviceListFilters } from './device-queries.ts';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** /devices?storeId&orgUnitId&profileId&online&q — every device in the caller's scope. */
export const deviceListRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'devices',
  validateSearch: (search: Record<string, unknown>): DeviceListFilters => ({
    storeId: text(search.storeId),
    orgUnitId: text(search.orgUnitId),
    profileId: text(search.profileId),
    // the router parses `?online=true` into a boolean
    online: search.online === true || search.online === 'true' ? 'true' : search.online === false || search.online === 'false' ? 'false' : undefined,
    q: text(search.q),
  }),
  component: DeviceListPage,
});

/** The device page's tabs: what it opens on. */
export const deviceTabs = ['overview', 'charts', 'attributes', 'rpc', 'alarms', 'credentials'] as const;
export type DeviceTab = (typeof deviceTabs)[number];

/** /devices/{id}?tab — one device. */
export const deviceRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'devices/$deviceId',
  validateSearch: (search: Record<string, unknown>): { tab?: DeviceTab } => ({
    tab: deviceTabs.find((tab) => tab === search.tab),
  }),
  component: DevicePage,
});
