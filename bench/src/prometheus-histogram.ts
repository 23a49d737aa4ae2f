/** One histogram of a Prometheus text exposition: cumulative counts per upper bound (seconds). */
export interface Histogram {
  name: string;
  buckets: Array<{ le: number; count: number }>;
}

/** The first histogram whose name matches, summed over its label sets; null when there is none. */
export function findHistogram(exposition: string, name: RegExp): Histogram | null {
  const byBound = new Map<number, number>();
  let found: string | null = null;
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)_bucket\{(.*)\}\s+(\S+)/.exec(line);
    if (!match || !name.test(match[1]!) || (found !== null && match[1] !== found)) continue;
    found = match[1]!;
    const le = /le="([^"]+)"/.exec(match[2]!)?.[1];
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    byBound.set(bound, (byBound.get(bound) ?? 0) + Number(match[3]));
  }
  if (found === null) return null;
  return { name: found, buckets: [...byBound].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({ le, count })) };
}

/** The observations between two scrapes of the same histogram. */
export function histogramDelta(before: Histogram | null, after: Histogram): Histogram {
  const previous = new Map(before?.buckets.map((bucket) => [bucket.le, bucket.count]) ?? []);
  return { name: after.name, buckets: after.buckets.map((bucket) => ({ le: bucket.le, count: bucket.count - (previous.get(bucket.le) ?? 0) })) };
}

/** A quantile by linear interpolation within its bucket, as PromQL's histogram_quantile does. */
export function histogramQuantile(histogram: Histogram, q: number): number {
  const total = histogram.buckets[histogram.buckets.length - 1]?.count ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of histogram.buckets) {
    if (bucket.count >= rank) {
      if (!Number.isFinite(bucket.le)) return lowerBound;
      return lowerBound + ((bucket.le - lowerBound) * (rank - lowerCount)) / Math.max(1, bucket.count - lowerCount);
    }
    lowerBound = bucket.le;
    lowerCount = bucket.count;
  }
  return lowerBound;
}
