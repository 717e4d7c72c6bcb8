/** What the benchmarks share: medians of timed passes. */

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Throughput of `units` per pass over passes that took `seconds` each. */
export function rates(units: number, seconds: readonly number[]) {
  const perSecond = seconds.map((s) => units / s);
  return {
    runs: perSecond.length,
    median: median(perSecond),
    min: Math.min(...perSecond),
    max: Math.max(...perSecond),
    medianSeconds: median(seconds),
  };
}
