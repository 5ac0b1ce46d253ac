import { createRoute } from '@tanstack/react-router';
import { type AlarmSeverity, type AlarmStatus, alarmSeverities, alarmStatuses } from '../../lib/api-types.ts';
import { signedInRoute } from '../root.tsx';
import { AlarmListPage } from './alarm-list-page.tsx';

/** The alarm list's filters in the address: severities and statuses as comma-separated lists. */
export interface AlarmListSearch {
  orgUnitId?: string;
  storeId?: string;
  severity?: string;
  status?: string;
  type?: string;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** Keeps the known values of a comma-separated list; none left is no filter. */
function listOf<T extends string>(value: unknown, allowed: readonly T[]): string | undefined {
  if (typeof value !== 'string') return undefined;
  const kept = value.split(',').filter((item): item is T => (allowed as readonly string[]).includes(item));
  return kept.length ? kept.join(',') : undefined;
}

/** The severities of `search.severity`. */
export function severitiesOf(search: AlarmListSearch): AlarmSeverity[] | undefined {
  return search.severity ? (search.severity.split(',') as AlarmSeverity[]) : undefined;
}

/** The statuses of `search.status`. */
export function statusesOf(search: AlarmListSearch): AlarmStatus[] | undefined {
  return search.status ? (search.status.split(',') as AlarmStatus[]) : undefined;
}

/** /alarms?orgUnitId&storeId&severity&status&type — alarms chain-wide. */
export const alarmListRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'alarms',
  validateSearch: (search: Record<string, unknown>): AlarmListSearch => ({
    orgUnitId: text(search.orgUnitId),
    storeId: text(search.storeId),
    severity: listOf(search.severity, alarmSeverities),
    status: listOf(search.status, alarmStatuses),
    type: text(search.type),
  }),
  component: AlarmListPage,
});
