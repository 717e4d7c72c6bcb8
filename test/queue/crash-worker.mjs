/**
 * A worker process for the crash tests, run with node on the built dist/ (as the App runs):
 * it takes one job, records check run 4242 for it, says `running <job id> <attempt>` on
 * stdout, and then hangs until the test kills it with SIGKILL.
 * Argument: JSON `{ "backend": "embedded" | "redis", "options": <constructor options> }`.
 */
const { backend, options } = JSON.parse(process.argv[2]);
const queue =
  backend === 'embedded'
    ? new (await import('../../dist/queue/sqlite-queue.js')).SqliteWorkQueue(options)
    : new (await import('../../dist/queue/redis-queue.js')).RedisWorkQueue(options);

// The queue's own timers are unref'd: keep the process alive until it is killed.
setInterval(() => {}, 1 << 30);

queue.work({
  concurrency: 1,
  async handler(job, control) {
    await control.recordCheckRun(4242);
    process.stdout.write(`running ${job.id} ${job.attempt}\n`);
    await new Promise(() => {});
  },
  async onExhausted(job) {
    process.stdout.write(`exhausted ${job.id}\n`);
  },
});
process.stdout.write('worker started\n');
