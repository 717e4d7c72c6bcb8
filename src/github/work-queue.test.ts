import { inProcessQueue } from './work-queue.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('inProcessQueue', () => {
  it('runs jobs at most `concurrency` at a time and resolves idle() when all are done', async () => {
    const queue = inProcessQueue(2);
    let running = 0;
    let peak = 0;
    const done: string[] = [];
    for (const key of ['a', 'b', 'c', 'd']) {
      queue.enqueue(key, async () => {
        running++;
        peak = Math.max(peak, running);
        await tick();
        running--;
        done.push(key);
      });
    }
    await queue.idle();
    expect(done.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(peak).toBe(2);
  });

  it('coalesces a waiting job with the same key: redeliveries run once', async () => {
    const queue = inProcessQueue(1);
    const runs: string[] = [];
    queue.enqueue('busy', async () => {
      await tick();
      runs.push('busy');
    });
    queue.enqueue('pr@sha', async () => {
      runs.push('first');
    });
    queue.enqueue('pr@sha', async () => {
      runs.push('second');
    });
    await queue.idle();
    expect(runs).toEqual(['busy', 'second']);
  });

  it('keeps going after a job fails, and reports the error', async () => {
    const errors: unknown[] = [];
    const queue = inProcessQueue(1, (error) => errors.push(error));
    const runs: string[] = [];
    queue.enqueue('bad', async () => {
      throw new Error('boom');
    });
    queue.enqueue('good', async () => {
      runs.push('good');
    });
    await queue.idle();
    expect(runs).toEqual(['good']);
    expect(errors).toEqual([new Error('boom')]);
  });

  it('is idle at once when nothing was queued', async () => {
    await expect(inProcessQueue().idle()).resolves.toBeUndefined();
  });
});
