import { sql } from 'drizzle-orm';
import { bigint, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Uploaded files (photos, signatures, PDFs): the bytes live in the file store (data directory or S3), the row says
 * whose they are. `org_path` is the org unit the file belongs to, so it is scoped like everything else.
 */
export const files = pgTable(
  'files',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    orgUnitId: text('org_unit_id').notNull(),
    orgPath: text('org_path').notNull(),
    name: text('name').notNull(),
    contentType: text('content_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull(),
    /** The user or key id, or `public` for the request form that needs no sign-in. */
    uploadedBy: text('uploaded_by').notNull(),
    uploadedByLabel: text('uploaded_by_label').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('files_tenant_path_idx').on(t.tenantId, sql`${t.orgPath} text_pattern_ops`, t.createdAt)],
);
