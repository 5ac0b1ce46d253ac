import client from 'prom-client';
import type { Metrics } from '../../kernel/metrics.ts';
import type { DropReason } from './contract.ts';
import type { FlushReport } from './telemetry-writer.ts';

/** Where a device message came in. */
export type Transport = 'mqtt' | 'http';
/** What kind of device message it was. */
export type MessageKind = 'telemetry' | 'attributes' | 'attributes_request' | 'rpc_reply' | 'client_rpc' | 'provision';

/**
 * The devices module's Prometheus metrics. Drops are labelled by reason only — per device they are counted in the
 * database and shown on the device page, since a device label would grow without bound.
 */
export interface DeviceMetrics {
  message(transport: Transport, kind: MessageKind): void;
  dropped(reason: DropReason): void;
  flushed(report: FlushReport): void;
}

/** Per message counter, the flushes of the devices instances counting into it (tests run several on one registry). */
const countersOf = new WeakMap<object, Set<() => void>>();

function metric<T extends client.Metric>(registry: client.Registry, name: string, make: () => T): T {
  // One set per registry: a second devices instance on the same registry (tests) shares the first one's metrics.
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** Registers the device metrics and gauges on the process registry. */
export function createDeviceMetrics(
  metrics: Metrics,
  gauges: { connected: () => number; pendingRows: () => number; liveSubscribers: () => number },
): DeviceMetrics {
  const registers = [metrics.registry];
  const messages = metric(
    metrics.registry,
    'storeos_device_messages_total',
    () =>
      new client.Counter({
        name: 'storeos_device_messages_total',
        help: 'Device messages received, by transport and kind',
        labelNames: ['transport', 'kind'],
        registers,
        // Messages are counted in plain numbers and added here, when the metric is read: no prom-client call per message.
        collect() {
          for (const flush of countersOf.get(this) ?? []) flush();
        },
      }),
  ) as client.Counter<'transport' | 'kind'>;
  const dropped = metric(
    metrics.registry,
    'storeos_device_dropped_total',
    () =>
      new client.Counter({
        name: 'storeos_device_dropped_total',
        help: 'Device messages dropped, by reason (per device: on the device page)',
        labelNames: ['reason'],
        registers,
      }),
  ) as client.Counter<'reason'>;
  const batchRows = metric(
    metrics.registry,
    'storeos_device_ingest_batch_rows',
    () =>
      new client.Histogram({
        name: 'storeos_device_ingest_batch_rows',
        help: 'Telemetry rows per COPY batch',
        buckets: [1, 10, 100, 500, 1000, 2500, 5000, 10000, 20000],
        registers,
      }),
  );
  const batchMessages = metric(
    metrics.registry,
    'storeos_device_ingest_batch_messages',
    () =>
      new client.Histogram({
        name: 'storeos_device_ingest_batch_messages',
        help: 'Device messages per COPY batch',
        buckets: [1, 10, 100, 250, 500, 1000, 2500, 5000, 10000],
        registers,
      }),
  );
  const commit = metric(
    metrics.registry,
    'storeos_device_ingest_commit_seconds',
    () =>
      new client.Histogram({
        name: 'storeos_device_ingest_commit_seconds',
        help: 'COPY and COMMIT of one telemetry batch',
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers,
      }),
  );
  const latency = metric(
    metrics.registry,
    'storeos_device_ingest_latency_seconds',
    () =>
      new client.Histogram({
        name: 'storeos_device_ingest_latency_seconds',
        help: 'From the first message of a batch joining it to its COMMIT (the longest wait of that batch)',
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers,
      }),
  );
  const gauge = (name: string, help: string, read: () => number) =>
    metric(
      metrics.registry,
      name,
      () =>
        new client.Gauge({
          name,
          help,
          registers,
          collect() {
            this.set(read());
          },
        }),
    );
  gauge('storeos_devices_connected', 'Devices with a live connection on this node', gauges.connected);
  gauge('storeos_device_ingest_pending_rows', 'Telemetry rows appended and not yet committed', gauges.pendingRows);
  gauge('storeos_device_live_subscribers', 'Live (SSE) subscriptions on this node', gauges.liveSubscribers);

  // Per transport and kind, a plain number added to the labelled counter when it is read.
  const counts = new Map<Transport, Map<MessageKind, number>>();
  const flushers = countersOf.get(messages) ?? new Set<() => void>();
  countersOf.set(messages, flushers);
  flushers.add(() => {
    for (const [transport, byKind] of counts) {
      for (const [kind, n] of byKind) {
        if (n === 0) continue;
        messages.labels(transport, kind).inc(n);
        byKind.set(kind, 0);
      }
    }
  });
  return {
    message(transport, kind) {
      let byKind = counts.get(transport);
      if (!byKind) {
        byKind = new Map();
        counts.set(transport, byKind);
      }
      byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    },
    dropped(reason) {
      dropped.inc({ reason });
    },
    flushed(report) {
      batchRows.observe(report.rows);
      batchMessages.observe(report.messages);
      commit.observe(report.commitMs / 1000);
      latency.observe(report.waitedMs / 1000);
    },
  };
}
