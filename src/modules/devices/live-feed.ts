import type { LiveEvent, LiveFeed, LiveFilter } from './contract.ts';

interface Subscription {
  deviceId?: string;
  storeId?: string;
  orgPaths?: string[];
  kinds?: LiveEvent['kind'][];
  listener: (event: LiveEvent) => void;
}

/** Whether an event of a device at `orgPath` is one the subscription follows. */
function follows(sub: Subscription, event: LiveEvent, orgPath: string | undefined): boolean {
  if (sub.kinds !== undefined && !sub.kinds.includes(event.kind)) return false;
  if (sub.deviceId !== undefined && sub.deviceId !== event.deviceId) return false;
  if (sub.storeId !== undefined && sub.storeId !== event.storeId) return false;
  if (sub.orgPaths === undefined) return true;
  // A subtree subscriber hears only what says where it happened: no path, no event (never more than its scope).
  return orgPath !== undefined && sub.orgPaths.some((p) => orgPath.startsWith(p));
}

/**
 * The in-process fan-out of live events (latest telemetry, device status, alarms) to SSE subscribers, by tenant and
 * then by device, store or org-unit subtree. Publishing costs one map lookup when nobody of the tenant watches. Each
 * node serves the events of the devices it ingests and the alarm changes it writes (docs/devices.md).
 */
export class LiveHub implements LiveFeed {
  private readonly byTenant = new Map<string, Set<Subscription>>();

  /** Whether anybody of the tenant is watching: the ingest path skips building events otherwise. */
  watched(tenantId: string): boolean {
    return this.byTenant.has(tenantId);
  }

  /** Delivers an event to the tenant's subscribers whose filter matches it; a throwing listener does not stop the others. */
  publish(tenantId: string, event: LiveEvent, orgPath?: string): void {
    const subs = this.byTenant.get(tenantId);
    if (!subs) return;
    for (const sub of subs) {
      if (!follows(sub, event, orgPath)) continue;
      try {
        sub.listener(event);
      } catch {
        // A subscriber's failure (a closed socket) is its own; it unsubscribes on close.
      }
    }
  }

  /** Subscribes to a device's, a store's or org subtrees' events (the whole tenant's with an empty filter); returns the unsubscribe. */
  subscribe(tenantId: string, filter: LiveFilter, listener: (event: LiveEvent) => void): () => void {
    let subs = this.byTenant.get(tenantId);
    if (!subs) {
      subs = new Set();
      this.byTenant.set(tenantId, subs);
    }
    const sub: Subscription = { deviceId: filter.deviceId, storeId: filter.storeId, orgPaths: filter.orgPaths, kinds: filter.kinds, listener };
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
