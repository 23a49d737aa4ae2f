import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { ServiceUnavailableError } from '@trialgraph/graphql-kit';
import { currentRequestScope, Histogram, metricsRegistry } from '@trialgraph/observability';
import { GraphQLError } from 'graphql';
import { deadlineExpiredError, isDeadlineExpiry } from './operation-deadline.js';

const subgraphFetchDuration = new Histogram({
  name: 'trialgraph_subgraph_fetch_duration_seconds',
  help: 'Time the gateway waits for one subgraph fetch of a query plan, by subgraph and outcome (ok, graphql_errors, failed)',
  labelNames: ['subgraph', 'outcome'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

/** RemoteGraphQLDataSource's own bound on contexts. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the library's bound; an interface such as GatewayContext does not satisfy Record<string, unknown>
type AnyContext = Record<string, any>;
type DataSourceConfig<Context extends AnyContext> = ConstructorParameters<typeof RemoteGraphQLDataSource<Context>>[0];
type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;
type Fetcher = NonNullable<DataSourceConfig<AnyContext>>['fetcher'];

/** Why a subgraph fetch was given up: the abort reason says which bound fired. */
class SubgraphTimeout extends Error {}

/**
 * Bounds every subgraph fetch: SUBGRAPH_TIMEOUT_MS for the call itself, and the request's
 * deadline and abort signal (a client that leaves cancels its fetches). make-fetch-happen,
 * the data source's default fetcher, sets no timeout at all; a hung subgraph held the
 * gateway's request and socket for ever.
 */
function boundedFetcher(timeoutMs: number): Fetcher {
  return (async (url: string, init: RequestInit) => {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new SubgraphTimeout()), timeoutMs);
    const requestSignal = currentRequestScope()?.signal;
    try {
      const signal = requestSignal ? AbortSignal.any([timeout.signal, requestSignal]) : timeout.signal;
      const response = await fetch(url, { ...init, signal });
      // The body is read after this returns: keep the bounds on it too.
      const body = await response.arrayBuffer();
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } finally {
      clearTimeout(timer);
    }
  }) as unknown as Fetcher;
}

/**
 * A subgraph data source that bounds each fetch in time, says which subgraph failed when one
 * does, and times each fetch, from sending the request to the parsed answer, so a slow
 * subgraph shows at the gateway by name. `failed` means no GraphQL answer came back
 * (unreachable, timed out, non-2xx); `graphql_errors` an answer carrying errors.
 */
export class MeasuredDataSource<Context extends AnyContext> extends RemoteGraphQLDataSource<Context> {
  readonly #subgraph: string;
  readonly #timeoutMs: number;

  constructor(subgraph: string, options: { timeoutMs: number; config: DataSourceConfig<Context> }) {
    super({ ...options.config, fetcher: boundedFetcher(options.timeoutMs) });
    this.#subgraph = subgraph;
    this.#timeoutMs = options.timeoutMs;
  }

  override async process(options: Parameters<RemoteGraphQLDataSource<Context>['process']>[0]): Promise<SubgraphResponse> {
    const end = subgraphFetchDuration.startTimer({ subgraph: this.#subgraph });
    try {
      const response = await super.process(options);
      end({ outcome: response.errors?.length ? 'graphql_errors' : 'ok' });
      return response;
    } catch (error) {
      end({ outcome: 'failed' });
      throw this.#explain(error);
    }
  }

  /**
   * A subgraph that answered with an HTTP error still sent GraphQL errors: pass them on as the
   * subgraph worded them, rather than "400: Bad Request" with its internal URL attached.
   */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]): Promise<GraphQLError> {
    const body = (await this.parseBody(response)) as { errors?: Array<{ message?: unknown; extensions?: Record<string, unknown> }> } | string;
    const first = typeof body === 'object' ? body.errors?.[0] : undefined;
    if (first && typeof first.message === 'string') return new GraphQLError(first.message, { extensions: first.extensions ?? {} });
    return new ServiceUnavailableError(`the ${this.#subgraph} service answered HTTP ${response.status}; retry in a moment`, {
      dependency: this.#subgraph,
    });
  }

  /** Turns a failed fetch into an error that names what failed: the deadline, or this subgraph. */
  #explain(error: unknown): unknown {
    if (error instanceof GraphQLError) return error;
    const scope = currentRequestScope();
    if (scope?.signal.aborted && isDeadlineExpiry(scope.signal.reason)) {
      return deadlineExpiredError({ expiry: scope.signal.reason, waitingFor: this.#subgraph, cause: error });
    }
    if (error instanceof SubgraphTimeout || (error as { cause?: unknown }).cause instanceof SubgraphTimeout) {
      return new ServiceUnavailableError(`the ${this.#subgraph} service did not answer within ${this.#timeoutMs} ms (SUBGRAPH_TIMEOUT_MS); retry in a moment`, {
        dependency: this.#subgraph,
        cause: error,
      });
    }
    return new ServiceUnavailableError(`the ${this.#subgraph} service is unreachable right now; retry in a moment`, {
      dependency: this.#subgraph,
      cause: error,
    });
  }
}
