/** The stores module: stores, zones, weekly and special hours, lifecycle, CSV import. */
export { importColumns, importStores, validateStoreCsv } from './csv-import.ts';
export { isOpenAt, isTimeZone, localClock } from './hours.ts';
export { assertTransition, storeStatuses, storeTransitions } from './lifecycle.ts';
export { storeRoutes } from './routes.ts';
export { specialHours, stores, zones } from './schema.ts';
export { findStoreInScope, insertStores, type NewStore, rewriteStorePaths } from './service.ts';
