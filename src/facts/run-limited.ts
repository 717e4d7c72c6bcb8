/**
 * Runs keyed tasks at most `limit` at a time (registry look-ups, verifications, scans are
 * polite to the registry and the machine), and returns each task's result by its key.
 */
export async function runLimited<T>(
  tasks: [string, () => Promise<T>][],
  limit: number,
): Promise<Map<string, T>> {
  const results = new Map<string, T>();
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const [key, task] = tasks[next++] as [string, () => Promise<T>];
      results.set(key, await task());
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
