import { createRoute } from '@tanstack/react-router';
import { type StoreFormat, type StoreStatus, storeFormats, storeStatuses } from '../../lib/api-types.ts';
import { signedInRoute } from '../root.tsx';
import { StoreImportPage } from './store-import-page.tsx';
import { StoreListPage } from './store-list-page.tsx';
import { StorePage } from './store-page.tsx';

/** The store list's filters, kept in the address so a filtered list can be shared and reloaded. */
export interface StoreListSearch {
  orgUnitId?: string;
  status?: StoreStatus;
  format?: StoreFormat;
  city?: string;
  q?: string;
}

function pick<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return allowed.find((candidate) => candidate === value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** /stores?orgUnitId&status&format&city&q — the store list. */
export const storeListRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'stores',
  validateSearch: (search: Record<string, unknown>): StoreListSearch => ({
    orgUnitId: text(search.orgUnitId),
    status: pick(search.status, storeStatuses),
    format: pick(search.format, storeFormats),
    city: text(search.city),
    q: text(search.q),
  }),
  component: StoreListPage,
});

/** /stores/import — CSV import. */
export const storeImportRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'stores/import',
  component: StoreImportPage,
});

/** /stores/{id} — one store. */
export const storeRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'stores/$storeId',
  component: StorePage,
});
