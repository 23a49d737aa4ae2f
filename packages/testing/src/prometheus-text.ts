/** One sample of a Prometheus text exposition: `name{label="value",…} 12`. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricsScrape {
  samples: MetricSample[];
  /** Metric family names with their `# TYPE` (counter, gauge, histogram…), declared even before a first observation. */
  types: Map<string, string>;
}

const SAMPLE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"\s*,?/g;

/** Parses Prometheus text format 0.0.4, as `GET /metrics` serves it (prom-client cannot parse). */
export function parsePrometheusText(text: string): MetricsScrape {
  const samples: MetricSample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice('# TYPE '.length).split(' ');
      if (name && type) types.set(name, type);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(LABEL)) {
      labels[label[1] as string] = (label[2] as string).replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    samples.push({ name: match[1] as string, labels, value: parseSampleValue(match[3] as string) });
  }
  return { samples, types };
}

function parseSampleValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/**
 * The sum of the samples named `name` whose labels include `labels`; 0 when none matches
 * (a counter never incremented is absent, and reads as 0).
 */
export function metricValue(scrape: MetricsScrape, name: string, labels: Record<string, string> = {}): number {
  return scrape.samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** GETs `/metrics` of a running process and parses it. */
export async function scrapeMetrics(baseUrl: string): Promise<MetricsScrape> {
  const response = await fetch(new URL('/metrics', baseUrl));
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  return parsePrometheusText(await response.text());
}
