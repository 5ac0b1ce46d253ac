import { sql } from 'drizzle-orm';
import { boolean, date, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** One weekly opening range; day 1 is Monday (ISO 8601). */
export interface WeeklyRange {
  day: number;
  opens: string;
  closes: string;
}

/** A store; each store is also a leaf of the org tree (`org_unit_id`), and `org_path` copies that unit's path for scoped lists. */
export const stores = pgTable(
  'stores',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    orgUnitId: text('org_unit_id').notNull().unique(),
    parentOrgUnitId: text('parent_org_unit_id').notNull(),
    orgPath: text('org_path').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    nameEn: text('name_en'),
    status: text('status').notNull(),
    format: text('format').notNull(),
    city: text('city').notNull(),
    address: text('address').notNull(),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    timeZone: text('time_zone').notNull(),
    floorArea: integer('floor_area'),
    phone: text('phone'),
    weeklyHours: jsonb('weekly_hours').$type<WeeklyRange[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('stores_tenant_code_uq').on(t.tenantId, t.code),
    index('stores_tenant_path_idx').on(t.tenantId, sql`${t.orgPath} text_pattern_ops`, t.id),
    index('stores_tenant_id_idx').on(t.tenantId, t.id),
  ],
);

/** Closures and changed hours over a date range; ranges of one store never overlap (an exclusion constraint). */
export const specialHours = pgTable(
  'store_special_hours',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    storeId: text('store_id')
      .notNull()
      .references(() => stores.id, { onDelete: 'cascade' }),
    startDate: date('start_date').notNull(),
    endDate: date('end_date').notNull(),
    closed: boolean('closed').notNull(),
    opens: text('opens'),
    closes: text('closes'),
    note: text('note'),
  },
  (t) => [index('store_special_hours_store_idx').on(t.storeId, t.startDate)],
);

/** Areas of a store's sales floor (a showroom, a kitchen display, the service desk). */
export const zones = pgTable(
  'store_zones',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    storeId: text('store_id')
      .notNull()
      .references(() => stores.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    floorArea: integer('floor_area'),
  },
  (t) => [uniqueIndex('store_zones_store_name_uq').on(t.storeId, t.name)],
);
