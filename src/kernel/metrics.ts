import client from 'prom-client';

/** The process's Prometheus registry and the metrics the kernel keeps. */
export interface Metrics {
  registry: client.Registry;
  httpRequests: client.Counter<'method' | 'route' | 'status'>;
  httpDuration: client.Histogram<'method' | 'route'>;
  badInput: client.Counter<'kind' | 'route'>;
}

/** Creates a registry with the default Node metrics and the HTTP ones; modules add theirs to `registry`. */
export function createMetrics(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'storeos_' });
  return {
    registry,
    httpRequests: new client.Counter({
      name: 'storeos_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new client.Histogram({
      name: 'storeos_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    badInput: new client.Counter({
      name: 'storeos_http_rejected_total',
      help: 'Requests refused for bad input, by error kind and route',
      labelNames: ['kind', 'route'],
      registers: [registry],
    }),
  };
}

/** Adds a gauge whose value is read when Prometheus scrapes. */
export function addGauge(metrics: Metrics, name: string, help: string, read: () => number | Promise<number>): void {
  new client.Gauge({
    name,
    help,
    registers: [metrics.registry],
    async collect() {
      this.set(await read());
    },
  });
}
