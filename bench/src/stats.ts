/** Order statistics of repeated runs: the median resists one disturbed run on a shared machine. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Linear interpolation between closest ranks; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

/** Rounds for display: 3 significant digits, no exponent. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const scale = 10 ** Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(value))));
  return Math.round(value * scale) / scale;
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${round(perSecond / 1e6)} M`;
  if (perSecond >= 1e3) return `${round(perSecond / 1e3)} k`;
  return `${round(perSecond)}`;
}
