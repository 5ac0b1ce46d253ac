import type { LiveEvent, LiveFeed } from './contract.ts';

interface Subscription {
  deviceId?: string;
  storeId?: string;
  listener: (event: LiveEvent) => void;
}

/**
 * The in-process fan-out of live events (latest telemetry, device status, alarms) to SSE subscribers, by tenant and
 * then by device or store. Publishing costs one map lookup when nobody of the tenant watches. Each node serves the
 * events of the devices it ingests; across nodes this would ride the event bus (docs/devices.md).
 */
export class LiveHub implements LiveFeed {
  private readonly byTenant = new Map<string, Set<Subscription>>();

  /** Whether anybody of the tenant is watching: the ingest path skips building events otherwise. */
  watched(tenantId: string): boolean {
    return this.byTenant.has(tenantId);
  }

  /** Delivers an event to the tenant's subscribers whose filter matches it; a throwing listener does not stop the others. */
  publish(tenantId: string, event: LiveEvent): void {
    const subs = this.byTenant.get(tenantId);
    if (!subs) return;
    for (const sub of subs) {
      if (sub.deviceId !== undefined && sub.deviceId !== event.deviceId) continue;
      if (sub.storeId !== undefined && sub.storeId !== event.storeId) continue;
      try {
        sub.listener(event);
      } catch {
        // A subscriber's failure (a closed socket) is its own; it unsubscribes on close.
      }
    }
  }

  /** Subscribes to a device's or a store's events (or the whole tenant's with an empty filter); returns the unsubscribe. */
  subscribe(tenantId: string, filter: { deviceId?: string; storeId?: string }, listener: (event: LiveEvent) => void): () => void {
    let subs = this.byTenant.get(tenantId);
    if (!subs) {
      subs = new Set();
      this.byTenant.set(tenantId, subs);
    }
    const sub: Subscription = { deviceId: filter.deviceId, storeId: filter.storeId, listener };
    subs.add(sub);
    return () => {
      const set = this.byTenant.get(tenantId);
      if (!set) return;
      set.delete(sub);
      if (set.size === 0) this.byTenant.delete(tenantId);
    };
  }

  /** Number of subscriptions, for the metrics gauge. */
  get size(): number {
    let n = 0;
    for (const s of this.byTenant.values()) n += s.size;
    return n;
  }
}
