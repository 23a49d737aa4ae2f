import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Histogram, metricsRegistry } from '@trialgraph/observability';

const subgraphFetchDuration = new Histogram({
  name: 'trialgraph_subgraph_fetch_duration_seconds',
  help: 'Time the gateway waits for one subgraph fetch of a query plan, by subgraph and outcome (ok, graphql_errors, failed)',
  labelNames: ['subgraph', 'outcome'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

/** RemoteGraphQLDataSource's own bound on contexts. */
type AnyContext = Record<string, any>;
type DataSourceConfig<Context extends AnyContext> = ConstructorParameters<typeof RemoteGraphQLDataSource<Context>>[0];
type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/**
 * A subgraph data source that times each fetch, from sending the request to the parsed
 * answer, so a slow subgraph shows at the gateway by name. `failed` means no GraphQL answer
 * came back (unreachable, non-2xx); `graphql_errors` an answer carrying errors.
 */
export class MeasuredDataSource<Context extends AnyContext> extends RemoteGraphQLDataSource<Context> {
  readonly #subgraph: string;

  constructor(subgraph: string, config: DataSourceConfig<Context>) {
    super(config);
    this.#subgraph = subgraph;
  }

  override async process(options: Parameters<RemoteGraphQLDataSource<Context>['process']>[0]): Promise<SubgraphResponse> {
    const end = subgraphFetchDuration.startTimer({ subgraph: this.#subgraph });
    try {
      const response = await super.process(options);
      end({ outcome: response.errors?.length ? 'graphql_errors' : 'ok' });
      return response;
    } catch (error) {
      end({ outcome: 'failed' });
      throw error;
    }
  }
}
