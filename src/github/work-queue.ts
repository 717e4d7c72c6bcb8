/**
 * The App answers GitHub's webhook at once and does the work here: GitHub gives up on a
 * delivery after 10 seconds, and a check with registry look-ups (or a build) takes longer.
 * Jobs for the same key (a pull request's head commit) that have not started yet are
 * coalesced, so a burst of redeliveries runs once. In-process for now; the interface is
 * what a Redis-backed queue would implement for many workers.
 */

export interface WorkQueue {
  /** Runs `job` soon; a job with the same key still waiting is replaced. */
  enqueue(key: string, job: () => Promise<void>): void;
  /** Resolves when nothing is waiting or running (tests, graceful shutdown). */
  idle(): Promise<void>;
}

export function inProcessQueue(concurrency = 2, onError: (error: unknown) => void = () => {}): WorkQueue {
  const waiting = new Map<string, () => Promise<void>>();
  let running = 0;
  let idleWaiters: (() => void)[] = [];

  const settle = () => {
    if (running === 0 && waiting.size === 0) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  };
  const pump = () => {
    while (running < concurrency && waiting.size > 0) {
      const [key, job] = waiting.entries().next().value as [string, () => Promise<void>];
      waiting.delete(key);
      running++;
      job()
        .catch(onError)
        .finally(() => {
          running--;
          pump();
          settle();
        });
    }
  };
  return {
    enqueue(key, job) {
      waiting.delete(key); // re-inserted last: a replaced job keeps no earlier place in line
      waiting.set(key, job);
      queueMicrotask(pump);
    },
    idle() {
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        queueMicrotask(settle);
      });
    },
  };
}
