/**
 * The service's recorder: prom-client metrics made from the specs in src/metrics.ts (one
 * place names them), plus prom-client's default process metrics (CPU, memory, event-loop
 * lag, handles). Only the service loads prom-client; the CLI keeps the no-op recorder.
 *
 * The kind of each metric follows Prometheus's naming rules, so the specs need no extra
 * field: buckets make a histogram, a name ending in `_total` a counter, anything else a gauge.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import {
  type Labels,
  METRICS,
  type MetricName,
  type MetricsRecorder,
  metrics,
  useMetrics,
} from '../metrics.js';
import { JOB_KINDS } from '../queue/job.js';
import type { WorkQueue } from '../queue/work-queue.js';

type Instrument = Counter | Gauge | Histogram;

/** A registry of every metric in METRICS and the process metrics, and a recorder writing to it. */
export function prometheusMetrics(): { registry: Registry; recorder: MetricsRecorder } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const instruments = new Map<MetricName, Instrument>();
  for (const [key, spec] of Object.entries(METRICS) as [MetricName, (typeof METRICS)[MetricName]][]) {
    const config = {
      name: spec.name,
      help: spec.help,
      labelNames: [...spec.labels],
      registers: [registry],
    };
    const instrument =
      'buckets' in spec
        ? new Histogram({ ...config, buckets: [...spec.buckets] })
        : spec.name.endsWith('_total')
          ? new Counter(config)
          : new Gauge(config);
    instruments.set(key, instrument);
  }
  // A method that does not fit the metric's kind is a programming error: said loudly, in tests.
  const get = <T extends Instrument>(metric: MetricName, kind: new (...args: never[]) => T): T => {
    const instrument = instruments.get(metric);
    if (!(instrument instanceof kind))
      throw new TypeError(`${METRICS[metric].name} is not a ${kind.name.toLowerCase()}`);
    return instrument;
  };
  const recorder: MetricsRecorder = {
    count: (metric, labels = {}, by = 1) => get(metric, Counter).inc(labels as Labels & object, by),
    set: (metric, value, labels = {}) => get(metric, Gauge).set(labels as Labels & object, value),
    observe: (metric, value, labels = {}) => get(metric, Histogram).observe(labels as Labels & object, value),
  };
  return { registry, recorder };
}

/** Makes prom-client's recorder the process's (`metrics()` everywhere), and returns its registry. */
export function installPrometheusMetrics(): Registry {
  const { registry, recorder } = prometheusMetrics();
  useMetrics(recorder);
  return registry;
}

/**
 * The Prometheus text of a scrape. The queue's gauges are read from the store now rather
 * than kept up to date by every process: with Redis, the queue is shared by all of them.
 */
export async function scrape(registry: Registry, queue: WorkQueue): Promise<string> {
  const { byKind } = await queue.counts();
  for (const kind of JOB_KINDS) metrics().set('jobsQueued', byKind[kind] ?? 0, { kind });
  return registry.metrics();
}
