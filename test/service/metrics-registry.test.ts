/**
 * The service's prom-client recorder: every metric named in src/metrics.ts is exposed with
 * its help, kind and labels, the recorder's methods reach prom-client, and the spots that
 * record in lower layers (policy evaluation in the core, a scan) do so through it.
 */
import { builtinPolicyEngine, judgeTargets } from '../../src/core/judge.js';
import { METRICS, type MetricName, metrics, useMetrics } from '../../src/metrics.js';
import { OsvScanner } from '../../src/scan/osv-scanner.js';
import { installPrometheusMetrics, prometheusMetrics } from '../../src/service/metrics-registry.js';

afterEach(() => useMetrics());

const kindOf = (spec: (typeof METRICS)[MetricName]) =>
  'buckets' in spec ? 'histogram' : spec.name.endsWith('_total') ? 'counter' : 'gauge';

describe('prometheusMetrics', () => {
  it('exposes every metric of src/metrics.ts with its help and kind, and the process metrics', async () => {
    const { registry } = prometheusMetrics();
    const text = await registry.metrics();
    for (const spec of Object.values(METRICS)) {
      expect(text).toContain(`# HELP ${spec.name} ${spec.help}\n`);
      expect(text).toContain(`# TYPE ${spec.name} ${kindOf(spec)}\n`);
    }
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });

  it('records counts, gauges and histograms with their labels and buckets', async () => {
    const { registry, recorder } = prometheusMetrics();
    recorder.count('webhooks', { event: 'pull_request.opened', result: 'queued' });
    recorder.count('webhooks', { event: 'pull_request.opened', result: 'queued' }, 2);
    recorder.set('jobsRunning', 3, { kind: 'check' });
    recorder.observe('jobDuration', 0.3, { kind: 'check' });
    const text = await registry.metrics();
    expect(text).toContain('portcullis_webhooks_total{event="pull_request.opened",result="queued"} 3');
    expect(text).toContain('portcullis_jobs_running{kind="check"} 3');
    expect(text).toContain('portcullis_job_duration_seconds_bucket{le="0.25",kind="check"} 0');
    expect(text).toContain('portcullis_job_duration_seconds_bucket{le="0.5",kind="check"} 1');
    expect(text).toContain('portcullis_job_duration_seconds_count{kind="check"} 1');
  });

  it('refuses a method that does not fit the metric, and a label the spec does not name', () => {
    const { recorder } = prometheusMetrics();
    expect(() => recorder.set('webhooks', 1)).toThrow('portcullis_webhooks_total is not a gauge');
    expect(() => recorder.count('jobDuration')).toThrow('portcullis_job_duration_seconds is not a counter');
    expect(() => recorder.count('webhooks', { event: 'ping', nope: 'x' })).toThrow(/nope/);
  });

  it('gives each registry its own metrics', async () => {
    const first = prometheusMetrics();
    const second = prometheusMetrics();
    first.recorder.count('rateLimitWaits', { kind: 'check' });
    expect(await second.registry.metrics()).not.toContain('portcullis_github_rate_limit_waits_total{');
  });
});

describe('recording from the layers below the service', () => {
  it('times the policy evaluation of a check (judgeTargets)', async () => {
    const registry = installPrometheusMetrics();
    const engine = await builtinPolicyEngine();
    await judgeTargets(
      [{ path: 'Dockerfile', content: new TextEncoder().encode('FROM alpine:latest\n') }],
      engine,
    );
    expect(await registry.metrics()).toContain('portcullis_policy_evaluation_seconds_count 1');
  });

  it('times a scan by its outcome, also when it cannot run', async () => {
    const registry = installPrometheusMetrics();
    await expect(new OsvScanner({ database: null }).scan('/nonexistent.tar')).rejects.toThrow(
      /No vulnerability database/,
    );
    expect(await registry.metrics()).toContain(
      'portcullis_scan_duration_seconds_count{outcome="no_database"} 1',
    );
  });

  it('records nothing once uninstalled (the CLI’s recorder)', async () => {
    const registry = installPrometheusMetrics();
    useMetrics();
    metrics().count('webhooks', { event: 'ping', result: 'ignored' });
    expect(await registry.metrics()).not.toContain('portcullis_webhooks_total{');
  });
});
