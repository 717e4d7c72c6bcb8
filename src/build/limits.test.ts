import { BuildSlots } from './limits.js';

describe('BuildSlots', () => {
  it('runs at most `limit` builds at once, in arrival order', async () => {
    const slots = new BuildSlots(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const build = (n: number) =>
      slots.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 10));
        order.push(n);
        running--;
        return n;
      });
    expect(await Promise.all([1, 2, 3, 4, 5].map(build))).toEqual([1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
    expect(order.slice(0, 2).sort()).toEqual([1, 2]);
    expect(slots.running).toBe(0);
  });

  it('frees the slot when a build throws', async () => {
    const slots = new BuildSlots(1);
    await expect(slots.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await slots.run(async () => 'next')).toBe('next');
  });
});
