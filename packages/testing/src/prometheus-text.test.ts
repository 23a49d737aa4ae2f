import { describe, expect, it } from 'vitest';
import { metricValue, parsePrometheusText } from './prometheus-text.js';

const EXPOSITION = `# HELP trialgraph_graphql_requests_total GraphQL requests answered
# TYPE trialgraph_graphql_requests_total counter
trialgraph_graphql_requests_total{operation="ListStudies",app="gateway"} 7
trialgraph_graphql_requests_total{operation="(anonymous)",app="gateway"} 2
# TYPE trialgraph_import_duration_seconds histogram
trialgraph_import_duration_seconds_bucket{le="+Inf",status="SUCCEEDED",app="vitals"} 1
# TYPE trialgraph_lock_failures_total counter
weird_total{message="a \\"quoted\\", comma"} 1.5e3
`;

describe('parsing the Prometheus text format', () => {
  it('reads names, labels and values, and sums the samples a label filter matches', () => {
    const scrape = parsePrometheusText(EXPOSITION);
    expect(metricValue(scrape, 'trialgraph_graphql_requests_total', { operation: 'ListStudies' })).toBe(7);
    expect(metricValue(scrape, 'trialgraph_graphql_requests_total', { app: 'gateway' })).toBe(9);
    expect(metricValue(scrape, 'trialgraph_graphql_requests_total', { operation: 'Nope' })).toBe(0);
    expect(scrape.samples.find((sample) => sample.name === 'weird_total')).toEqual({
      name: 'weird_total',
      labels: { message: 'a "quoted", comma' },
      value: 1500,
    });
  });

  it('knows the metric families declared with # TYPE, even those without a sample yet', () => {
    const scrape = parsePrometheusText(EXPOSITION);
    expect(scrape.types.get('trialgraph_lock_failures_total')).toBe('counter');
    expect(scrape.types.get('trialgraph_import_duration_seconds')).toBe('histogram');
  });
});
