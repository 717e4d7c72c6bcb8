/**
 * What the service measures, named once here (docs/operations.md explains each). Code at any
 * layer records through `metrics()`; until the service installs a recorder backed by
 * prom-client (src/service/metrics-registry.ts), recording does nothing, so the CLI never
 * loads prom-client.
 */

import { AsyncLocalStorage } from 'node:async_hooks';

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

/**
 * Where one job's time goes, phase by phase (`phase`), and how much of each phase waited on
 * GitHub (`githubCall`, from the job's Octokit hook): the in-process share is what is left.
 * `npm run bench:service` reads the job's summary from its log line (src/github/run-job.ts).
 * Outside a job (the CLI, tests) nothing is kept.
 */
export interface JobTiming {
  /** Wall time of each named phase, milliseconds; time in no phase is the job's rest. */
  phases: Record<string, { ms: number; githubMs: number }>;
  /** GitHub requests as [start, end, write] on performance.now()'s clock. */
  calls: [number, number, boolean][];
}

interface TimingContext {
  timing: JobTiming;
  phase: string | null;
}

const timingContext = new AsyncLocalStorage<TimingContext>();

/** Runs `work` with a fresh JobTiming that `phase` and `githubCall` inside it fill in. */
export function timeJob<T>(work: (timing: JobTiming) => Promise<T>): Promise<T> {
  const timing: JobTiming = { phases: {}, calls: [] };
  return timingContext.run({ timing, phase: null }, () => work(timing));
}

/** `work` as the named phase of the current job (nested phases count in the outermost). */
export async function phase<T>(name: string, work: () => Promise<T> | T): Promise<T> {
  const context = timingContext.getStore();
  if (!context || context.phase !== null) return work();
  const started = performance.now();
  try {
    return await timingContext.run({ timing: context.timing, phase: name }, work);
  } finally {
    const ended = performance.now();
    const entry = context.timing.phases[name] ?? { ms: 0, githubMs: 0 };
    entry.ms += ended - started;
    entry.githubMs += overlap(context.timing.calls, started, ended);
    context.timing.phases[name] = entry;
  }
}

/** A GitHub request of the current job, from `started` to now. */
export function githubCall(started: number, write: boolean): void {
  timingContext.getStore()?.timing.calls.push([started, performance.now(), write]);
}

/** Milliseconds between `from` and `to` during which at least one of `calls` (filtered) was waiting. */
export function overlap(
  calls: readonly [number, number, boolean][],
  from: number,
  to: number,
  which: (write: boolean) => boolean = () => true,
): number {
  const spans = calls
    .filter(([start, end, write]) => which(write) && end > from && start < to)
    .map(([start, end]) => [Math.max(start, from), Math.min(end, to)] as const)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let reached = from;
  for (const [start, end] of spans) {
    if (end <= reached) continue;
    total += end - Math.max(start, reached);
    reached = end;
  }
  return total;
}
