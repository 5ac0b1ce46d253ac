import type pg from 'pg';

/** How long a tenant's store list is trusted before it is read again. */
const freshMs = 60_000;

interface Directory {
  ids: Set<string>;
  byCode: Map<string, string>;
  loadedAt: number;
}

/**
 * The stores of each tenant by id and by code, so an event that names its store (`context.storeId`, as an id or a
 * store code such as a POS knows it) is stored with the store's id, and a name that is neither is stored as no store.
 */
export class StoreDirectory {
  private readonly tenants = new Map<string, Directory>();
  private readonly loading = new Map<string, Promise<void>>();

  constructor(private readonly pool: pg.Pool) {}

  /** Makes sure the tenant's stores are loaded and fresh enough (a map lookup when they are). */
  async ready(tenantId: string): Promise<void> {
    const d = this.tenants.get(tenantId);
    if (d && Date.now() - d.loadedAt < freshMs) return;
    let p = this.loading.get(tenantId);
    if (!p) {
      p = this.load(tenantId).finally(() => this.loading.delete(tenantId));
      this.loading.set(tenantId, p);
    }
    // A stale list still answers while the fresh one loads.
    if (!d) await p;
  }

  /** The store id an event's store name means in the tenant, or null. */
  resolve(tenantId: string, named: string): string | null {
    const d = this.tenants.get(tenantId);
    if (!d) return null;
    if (d.ids.has(named)) return named;
    return d.byCode.get(named) ?? null;
  }

  private async load(tenantId: string): Promise<void> {
    const r = await this.pool.query<{ id: string; code: string }>('SELECT id, code FROM stores WHERE tenant_id = $1', [tenantId]);
    this.tenants.set(tenantId, { ids: new Set(r.rows.map((s) => s.id)), byCode: new Map(r.rows.map((s) => [s.code, s.id])), loadedAt: Date.now() });
  }
}
