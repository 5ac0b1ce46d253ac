import type { Logger } from '../../kernel/logger.ts';
import { type DueTimer, fireTimers, type UpdateRuntime } from './profile-updates.ts';

interface Entry {
  at: number;
  timer: DueTimer;
}

/** A binary min-heap by due time. */
class TimerHeap {
  private readonly items: Entry[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Entry | undefined {
    return this.items[0];
  }

  push(e: Entry): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent].at <= a[i].at) break;
      [a[parent], a[i]] = [a[i], a[parent]];
      i = parent;
    }
  }

  pop(): Entry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l].at < a[m].at) m = l;
        if (r < a.length && a[r].at < a[m].at) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

const keyOf = (t: DueTimer) => `${t.kind}|${t.refId}|${t.profileId}`;

/**
 * Fires profile timers at their instant: the table `profile_timers` is the truth (it survives restarts and is shared
 * by nodes); each node keeps the timers due within the horizon in a min-heap, refreshed by a short poll, and sleeps
 * until the earliest. A fired timer is claimed by deleting its row, so exactly one node acts on it.
 */
export class SegmentTimers {
  private readonly heap = new TimerHeap();
  private readonly known = new Set<string>();
  private poller: NodeJS.Timeout | undefined;
  private sleeper: NodeJS.Timeout | undefined;
  private firing = false;
  private stopped = true;
  fired = 0;

  constructor(
    private readonly rt: UpdateRuntime,
    private readonly log: Logger,
    private readonly opts: { pollMs?: number; horizonMs?: number } = {},
  ) {}

  /** Starts polling the table and firing. */
  start(): void {
    this.stopped = false;
    const poll = () => void this.poll().catch((err) => this.log.warn({ err }, 'profile timer poll failed'));
    poll();
    this.poller = setInterval(poll, this.opts.pollMs ?? 1000);
    this.poller.unref();
  }

  /** Stops after the timers in hand. */
  stop(): void {
    this.stopped = true;
    if (this.poller) clearInterval(this.poller);
    if (this.sleeper) clearTimeout(this.sleeper);
  }

  /** Reads the timers due within the horizon into the heap. */
  async poll(): Promise<void> {
    const until = new Date(this.rt.clock.now().getTime() + (this.opts.horizonMs ?? 60_000));
    const r = await this.rt.db.pool.query<{ kind: DueTimer['kind']; ref_id: string; profile_id: string; tenant_id: string; due_at: Date }>(
      'SELECT kind, ref_id, profile_id, tenant_id, due_at FROM profile_timers WHERE due_at <= $1 ORDER BY due_at LIMIT 10000',
      [until],
    );
    for (const row of r.rows) {
      const timer: DueTimer = { kind: row.kind, refId: row.ref_id, profileId: row.profile_id, tenantId: row.tenant_id };
      if (this.known.has(keyOf(timer))) continue;
      this.known.add(keyOf(timer));
      this.heap.push({ at: new Date(row.due_at).getTime(), timer });
    }
    this.arm();
  }

  private arm(): void {
    if (this.stopped || this.firing) return;
    const top = this.heap.peek();
    if (!top) return;
    if (this.sleeper) clearTimeout(this.sleeper);
    const wait = Math.max(0, top.at - this.rt.clock.now().getTime());
    this.sleeper = setTimeout(() => void this.fireHeap(), Math.min(wait, 2 ** 31 - 1));
    this.sleeper.unref();
  }

  private async fireHeap(): Promise<void> {
    if (this.firing) return;
    this.firing = true;
    try {
      const now = this.rt.clock.now().getTime();
      const due: DueTimer[] = [];
      while ((this.heap.peek()?.at ?? Number.POSITIVE_INFINITY) <= now && due.length < 2000) due.push((this.heap.pop() as Entry).timer);
      await this.fire(due);
      for (const t of due) this.known.delete(keyOf(t));
    } catch (err) {
      this.log.warn({ err }, 'firing profile timers failed; the poll picks them up again');
      this.known.clear();
    } finally {
      this.firing = false;
      this.arm();
    }
  }

  private async fire(due: DueTimer[]): Promise<void> {
    const byTenant = new Map<string, DueTimer[]>();
    for (const t of due) {
      const list = byTenant.get(t.tenantId);
      if (list) list.push(t);
      else byTenant.set(t.tenantId, [t]);
    }
    for (const [tenantId, list] of byTenant) {
      for (let i = 0; i < list.length; i += 500) this.fired += (await fireTimers(this.rt, tenantId, list.slice(i, i + 500))).length;
    }
  }

  /** Fires every timer due by the clock now, straight from the table (tests with a moved clock); answers the membership changes made. */
  async fireDue(): Promise<number> {
    const r = await this.rt.db.pool.query<{ kind: DueTimer['kind']; ref_id: string; profile_id: string; tenant_id: string }>(
      'SELECT kind, ref_id, profile_id, tenant_id FROM profile_timers WHERE due_at <= $1 ORDER BY due_at',
      [this.rt.clock.now()],
    );
    const before = this.fired;
    await this.fire(r.rows.map((row) => ({ kind: row.kind, refId: row.ref_id, profileId: row.profile_id, tenantId: row.tenant_id })));
    return this.fired - before;
  }
}
