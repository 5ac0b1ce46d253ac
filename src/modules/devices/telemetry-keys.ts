import type pg from 'pg';

/**
 * The per-tenant dictionary of telemetry key names: rows store a 4-byte key id. Ids are cached for the life of the
 * process (a key is never renamed or deleted); an unknown key costs one INSERT … ON CONFLICT the first time.
 */
export class TelemetryKeys {
  private readonly byTenant = new Map<string, Map<string, number>>();
  private readonly resolving = new Map<string, Promise<void>>();

  constructor(private readonly pool: pg.Pool) {}

  /** The cached id of a key, if known. */
  idOf(tenantId: string, key: string): number | undefined {
    return this.byTenant.get(tenantId)?.get(key);
  }

  /** The cached ids of a tenant's keys, to look up several keys with one tenant lookup (the ingest path). */
  ofTenant(tenantId: string): ReadonlyMap<string, number> | undefined {
    return this.byTenant.get(tenantId);
  }

  /** Makes sure every key has an id (inserting new ones); concurrent calls for the same keys share one query. */
  async resolve(tenantId: string, keys: Iterable<string>): Promise<void> {
    const known = this.byTenant.get(tenantId);
    const missing = [...new Set(keys)].filter((k) => known?.get(k) === undefined);
    if (missing.length === 0) return;
    const flight = `${tenantId}\u0000${missing.sort().join('\u0000')}`;
    let p = this.resolving.get(flight);
    if (!p) {
      p = this.load(tenantId, missing).finally(() => this.resolving.delete(flight));
      this.resolving.set(flight, p);
    }
    await p;
  }

  /** Ids of the named keys of a tenant, read from the database (queries on any node see every key). */
  async lookup(tenantId: string, keys: string[]): Promise<Map<string, number>> {
    const r = await this.pool.query<{ id: number; key: string }>('SELECT id, key FROM telemetry_keys WHERE tenant_id = $1 AND key = ANY($2::text[])', [
      tenantId,
      keys,
    ]);
    const map = new Map<string, number>();
    for (const row of r.rows) map.set(row.key, row.id);
    this.remember(tenantId, r.rows);
    return map;
  }

  private async load(tenantId: string, keys: string[]): Promise<void> {
    await this.pool.query('INSERT INTO telemetry_keys (tenant_id, key) SELECT $1, unnest($2::text[]) ON CONFLICT (tenant_id, key) DO NOTHING', [
      tenantId,
      keys,
    ]);
    const r = await this.pool.query<{ id: number; key: string }>('SELECT id, key FROM telemetry_keys WHERE tenant_id = $1 AND key = ANY($2::text[])', [
      tenantId,
      keys,
    ]);
    this.remember(tenantId, r.rows);
  }

  private remember(tenantId: string, rows: { id: number; key: string }[]): void {
    let map = this.byTenant.get(tenantId);
    if (!map) {
      map = new Map();
      this.byTenant.set(tenantId, map);
    }
    for (const row of rows) map.set(row.key, row.id);
  }
}
