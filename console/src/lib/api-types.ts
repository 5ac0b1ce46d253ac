// The shapes the StoreOS REST API answers with (docs/api.md), as the console reads them.

/** A list page: `nextCursor` is null on the last page. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface Grant {
  id: string;
  role: string;
  orgUnitId: string;
  orgUnitName: string;
}

export interface Session {
  user: {
    id: string;
    email: string;
    name: string;
    tenantId: string;
    tenantSlug: string;
    tenantName: string;
  };
  grants: Grant[];
  permissions: string[];
  csrfToken: string;
}

/** `area` is a level a tenant may add below a region (a district, a mall). */
export type OrgUnitKind = 'group' | 'business_unit' | 'region' | 'area' | 'store';
export const orgUnitKinds: readonly OrgUnitKind[] = ['group', 'business_unit', 'region', 'area', 'store'];

export interface OrgUnit {
  id: string;
  parentId: string | null;
  kind: OrgUnitKind;
  code: string;
  name: string;
  nameEn: string | null;
  depth: number;
}

export type StoreStatus = 'planned' | 'opening' | 'open' | 'temporarily_closed' | 'closed';
export const storeStatuses: readonly StoreStatus[] = ['planned', 'opening', 'open', 'temporarily_closed', 'closed'];

export type StoreFormat = 'flagship' | 'standard' | 'compact';
export const storeFormats: readonly StoreFormat[] = ['flagship', 'standard', 'compact'];

export interface Store {
  id: string;
  orgUnitId: string;
  parentOrgUnitId: string;
  parentName: string;
  code: string;
  name: string;
  nameEn: string | null;
  status: StoreStatus;
  format: StoreFormat;
  city: string;
  address: string;
  latitude: number | null;
  longitude: number | null;
  timeZone: string;
  floorArea: number | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One opening range of a weekday; day 1 is Monday, 7 Sunday. */
export interface WeeklyHoursRange {
  day: number;
  opens: string;
  closes: string;
}

export interface SpecialHours {
  id: string;
  startDate: string;
  endDate: string;
  closed: boolean;
  opens: string | null;
  closes: string | null;
  note: string | null;
}

export interface Zone {
  id: string;
  name: string;
  kind: string;
  floorArea: number | null;
}

export interface StoreDetail extends Store {
  weeklyHours: WeeklyHoursRange[];
  specialHours: SpecialHours[];
  zones: Zone[];
  openNow: boolean;
}

/** Counts of the stores under an org unit (GET /stores/summary). */
export interface StoreSummary {
  byStatus: Partial<Record<StoreStatus, number>>;
  byFormat: Partial<Record<StoreFormat, number>>;
  total: number;
}

export interface User {
  id: string;
  email: string;
  name: string;
  status: 'active' | 'disabled';
  createdAt: string;
  lastSignInAt: string | null;
  grants: Grant[];
}

export interface Role {
  role: string;
  permissions: string[];
}

export interface ApiKey {
  id: string;
  name: string;
  role: string;
  orgUnitId: string | null;
  orgUnitName: string | null;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface AuditEntry {
  id: string | number;
  at: string;
  actorType: 'user' | 'api_key' | 'system';
  actorId: string;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string;
  before: JsonValue;
  after: JsonValue;
}

/** The kinds a zone of a store may have. */
export const zoneKinds = ['sales_floor', 'showroom', 'experience', 'service_desk', 'checkout', 'warehouse', 'office', 'other'] as const;
export type ZoneKind = (typeof zoneKinds)[number];
