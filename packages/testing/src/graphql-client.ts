export interface GraphqlResponse<Data = Record<string, unknown>> {
  status: number;
  data?: Data | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: { code?: string; [key: string]: unknown } }>;
}

/** A plain HTTP GraphQL call, as any client makes it: no test-only shortcut into the server. */
export async function graphqlRequest<Data = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphqlResponse<Data>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphqlResponse<Data>, 'status'>;
  return { status: response.status, ...body };
}

/** The codes of a response's errors, in order: what most refusal tests assert. */
export function errorCodes(response: GraphqlResponse<unknown>): Array<string | undefined> {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}
