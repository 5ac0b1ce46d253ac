import client from 'prom-client';
import type { Metrics } from '../../kernel/metrics.ts';

/** The alarm engine's figures in /metrics. */
export interface AlarmEngineMetrics {
  evaluations: client.Counter;
  changes: client.Counter<'change'>;
  latency: client.Histogram;
}

/** A metric of the registry by name, made once: a second engine on the same registry (tests) shares it. */
function once<T extends client.Metric>(metrics: Metrics, name: string, make: () => T): T {
  return (metrics.registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** Registers the alarm engine's metrics: evaluations, changes, data-to-alarm latency, devices held in memory. */
export function alarmEngineMetrics(metrics: Metrics, devicesHeld: () => number): AlarmEngineMetrics {
  const registers = [metrics.registry];
  once(
    metrics,
    'storeos_alarm_engine_devices',
    () =>
      new client.Gauge({
        name: 'storeos_alarm_engine_devices',
        help: 'Devices whose alarm state is held in memory',
        registers,
        collect() {
          this.set(devicesHeld());
        },
      }),
  );
  return {
    evaluations: once(
      metrics,
      'storeos_alarm_rule_evaluations_total',
      () =>
        new client.Counter({
          name: 'storeos_alarm_rule_evaluations_total',
          help: 'Alarm rule evaluations (one rule against one batch of one device)',
          registers,
        }),
    ),
    changes: once(
      metrics,
      'storeos_alarm_changes_total',
      () => new client.Counter({ name: 'storeos_alarm_changes_total', help: 'Alarms created, raised and cleared by rules', labelNames: ['change'], registers }),
    ),
    // From the data point's time to the alarm committed: with device timestamps, the publish-to-alarm latency.
    latency: once(
      metrics,
      'storeos_alarm_latency_seconds',
      () =>
        new client.Histogram({
          name: 'storeos_alarm_latency_seconds',
          help: 'From the data point that fired an alarm to the alarm committed',
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
          registers,
        }),
    ),
  };
}
