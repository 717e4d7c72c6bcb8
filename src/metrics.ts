/**
 * What the service measures, named once here (docs/operations.md explains each). Code at any
 * layer records through `metrics()`; until the service installs a recorder backed by
 * prom-client (src/service/metrics-registry.ts), recording does nothing, so the CLI never
 * loads prom-client.
 */

export const METRICS = {
  webhooks: {
    name: 'portcullis_webhooks_total',
    help: 'Webhook deliveries by event and what became of them (queued, replaced, duplicate, ignored, dropped)',
    labels: ['event', 'result'],
  },
  jobsQueued: {
    name: 'portcullis_jobs_queued',
    help: 'Jobs waiting or delayed in the queue, by kind',
    labels: ['kind'],
  },
  jobsRunning: {
    name: 'portcullis_jobs_running',
    help: 'Jobs running in this process, by kind',
    labels: ['kind'],
  },
  jobsSettled: {
    name: 'portcullis_jobs_total',
    help: 'Job attempts ended, by kind and outcome (completed, retrying, delayed, exhausted, returned)',
    labels: ['kind', 'outcome'],
  },
  jobDuration: {
    name: 'portcullis_job_duration_seconds',
    help: 'How long one attempt of a job ran, by kind',
    labels: ['kind'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
  },
  webhookToConclusion: {
    name: 'portcullis_webhook_to_conclusion_seconds',
    help: 'From the webhook being queued to the check run being concluded, by job kind',
    labels: ['kind'],
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
  },
  githubRequests: {
    name: 'portcullis_github_requests_total',
    help: 'GitHub API requests by method and response status (0: no response)',
    labels: ['method', 'status'],
  },
  rateLimitWaits: {
    name: 'portcullis_github_rate_limit_waits_total',
    help: 'Times a job was delayed by a GitHub rate limit (primary or secondary)',
    labels: ['kind'],
  },
  buildDuration: {
    name: 'portcullis_build_duration_seconds',
    help: 'Image builds, by outcome',
    labels: ['outcome'],
    buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1200],
  },
  scanDuration: {
    name: 'portcullis_scan_duration_seconds',
    help: 'Vulnerability scans of built images, by outcome',
    labels: ['outcome'],
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  },
  policyEvaluation: {
    name: 'portcullis_policy_evaluation_seconds',
    help: 'Evaluating the policies on the targets of one check',
    labels: [],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  },
} as const satisfies Record<string, MetricSpec>;

export interface MetricSpec {
  name: string;
  help: string;
  labels: readonly string[];
  /** Histograms have buckets; the rest are counters or gauges, as their recorder method says. */
  buckets?: readonly number[];
}

export type MetricName = keyof typeof METRICS;
export type Labels = Readonly<Record<string, string | number>>;

export interface MetricsRecorder {
  /** Adds to a counter. */
  count(metric: MetricName, labels?: Labels, by?: number): void;
  /** Sets a gauge. */
  set(metric: MetricName, value: number, labels?: Labels): void;
  /** Observes a histogram's value (seconds). */
  observe(metric: MetricName, value: number, labels?: Labels): void;
}

const NOTHING: MetricsRecorder = { count() {}, set() {}, observe() {} };
let recorder: MetricsRecorder = NOTHING;

/** The process's recorder: prom-client's in the service, nothing elsewhere. */
export function metrics(): MetricsRecorder {
  return recorder;
}

/** Installs the service's recorder (or, with no argument, none again: tests). */
export function useMetrics(next: MetricsRecorder = NOTHING): void {
  recorder = next;
}

/** Seconds since `startedMs` (from `performance.now()`), for `observe`. */
export function secondsSince(startedMs: number): number {
  return (performance.now() - startedMs) / 1000;
}
