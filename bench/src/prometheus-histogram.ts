import type { MetricsScrape } from '@trialgraph/testing';

/** One histogram of a Prometheus text exposition: cumulative counts per upper bound (seconds). */
export interface Histogram {
  name: string;
  buckets: Array<{ le: number; count: number }>;
}

/** The histogram `name` of a scrape, its label sets summed; null when the process has none. */
export function findHistogram(scrape: MetricsScrape, name: string): Histogram | null {
  const byBound = new Map<number, number>();
  for (const sample of scrape.samples) {
    if (sample.name !== `${name}_bucket` || sample.labels.le === undefined) continue;
    const bound = Number(sample.labels.le.replace('+Inf', 'Infinity'));
    byBound.set(bound, (byBound.get(bound) ?? 0) + sample.value);
  }
  if (byBound.size === 0) return null;
  return { name, buckets: [...byBound].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({ le, count })) };
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
