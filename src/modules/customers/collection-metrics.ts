import client from 'prom-client';
import type { Metrics } from '../../kernel/metrics.ts';
import type { EventFlushReport } from './event-writer.ts';

/** What became of a collected event. */
export type EventOutcome = 'stored' | 'duplicate' | 'rejected' | 'suppressed' | 'failed';

/** The collection API's metrics: events by channel and outcome, refusals by reason, flush sizes and commit latency. */
export interface CollectionMetrics {
  counted(channel: string, outcome: EventOutcome, n: number): void;
  rejected(channel: string, reason: string): void;
  /** A whole request refused (malformed, too large, unauthorized, disabled, rate_limited). */
  requestRefused(reason: string): void;
  flushed(report: EventFlushReport): void;
}

/** Registers the collection metrics; `pending` and `handingOff` are read when Prometheus scrapes. */
export function createCollectionMetrics(metrics: Metrics, pending: () => number, handingOff: () => number): CollectionMetrics {
  const registers = [metrics.registry];
  const events = new client.Counter({
    name: 'storeos_collect_events_total',
    help: 'Customer events received, by source channel and outcome (stored, duplicate, rejected, suppressed, failed)',
    labelNames: ['channel', 'outcome'],
    registers,
  });
  const rejected = new client.Counter({
    name: 'storeos_collect_rejected_total',
    help: 'Customer events refused, by source channel and reason',
    labelNames: ['channel', 'reason'],
    registers,
  });
  const requests = new client.Counter({
    name: 'storeos_collect_requests_refused_total',
    help: 'Collection API requests refused whole, by reason',
    labelNames: ['reason'],
    registers,
  });
  const batch = new client.Histogram({
    name: 'storeos_collect_flush_events',
    help: 'Events per group commit',
    buckets: [1, 10, 100, 500, 1000, 2500, 5000, 10_000],
    registers,
  });
  const commit = new client.Histogram({
    name: 'storeos_collect_commit_seconds',
    help: 'Time of one group commit (dedupe, identity resolution, COPY, COMMIT)',
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const wait = new client.Histogram({
    name: 'storeos_collect_ack_wait_seconds',
    help: 'From the first event of a group commit arriving to its COMMIT (what a request waits)',
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  new client.Gauge({
    name: 'storeos_collect_pending_events',
    help: 'Events accepted and waiting for their group commit',
    registers,
    collect() {
      this.set(pending());
    },
  });
  new client.Gauge({
    name: 'storeos_collect_pipeline_backlog_events',
    help: 'Events committed and waiting for the profile pipeline',
    registers,
    collect() {
      this.set(handingOff());
    },
  });
  return {
    counted: (channel, outcome, n) => {
      if (n > 0) events.inc({ channel, outcome }, n);
    },
    rejected: (channel, reason) => rejected.inc({ channel, reason }),
    requestRefused: (reason) => requests.inc({ reason }),
    flushed(report) {
      batch.observe(report.events);
      commit.observe(report.commitMs / 1000);
      wait.observe(report.waitedMs / 1000);
    },
  };
}
