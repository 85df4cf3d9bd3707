/** Prometheus metrics: HTTP traffic, plus gauges read from the database at scrape time. */
import client from 'prom-client';
import type { Database } from '../db/client';
import { gauges } from '../app/ops';

export function createMetrics(database: Database) {
  const registry = new client.Registry();
  const requests = new client.Counter({
    name: 'oms_http_requests_total', help: 'HTTP requests', labelNames: ['method', 'route', 'status'], registers: [registry],
  });
  const latency = new client.Histogram({
    name: 'oms_http_request_duration_seconds', help: 'HTTP request latency', labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
  });
  new client.Gauge({
    name: 'oms_orders', help: 'Orders by status', labelNames: ['status'], registers: [registry],
    async collect() {
      this.reset();
      for (const r of await gauges.ordersByStatus(database)) this.set({ status: r.status }, r.n);
    },
  });
  new client.Gauge({
    name: 'oms_brokering_queue_items', help: 'Items waiting in the brokering queue', registers: [registry],
    async collect() {
      this.set(await gauges.queuedItems(database));
    },
  });
  new client.Gauge({
    name: 'oms_exception_items', help: 'Items parked in Exception', registers: [registry],
    async collect() {
      this.set(await gauges.exceptionItems(database));
    },
  });
  new client.Gauge({
    name: 'oms_brokering_runs', help: 'Brokering runs by status', labelNames: ['status'], registers: [registry],
    async collect() {
      this.reset();
      for (const r of await gauges.brokeringRunsByStatus(database)) this.set({ status: r.status }, r.n);
    },
  });
  new client.Gauge({
    name: 'oms_brokered_items', help: 'Items allocated by brokering runs (sum over runs)', registers: [registry],
    async collect() {
      this.set(await gauges.brokeredItems(database));
    },
  });
  new client.Gauge({
    name: 'oms_job_runs', help: 'Job runs by job and status', labelNames: ['job', 'status'], registers: [registry],
    async collect() {
      this.reset();
      for (const r of await gauges.jobRunsByStatus(database)) this.set({ job: r.name, status: r.status }, r.n);
    },
  });
  return { registry, requests, latency };
}

export type Metrics = ReturnType<typeof createMetrics>;
