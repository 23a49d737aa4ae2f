/**
 * Every `extensions.code` a client may receive, and the HTTP status it answers with wherever one
 * error decides the answer (REST, exports, uploads, a request refused before it runs): one table,
 * so a code reads the same on every surface. `ErrorCode` is the union of its keys, so a code that
 * is not here does not compile. Inside a GraphQL answer that carries data the status stays 200.
 */
export const HTTP_STATUS_OF_CODE = {
  BAD_USER_INPUT: 400,
  /** The HTTP request itself is malformed (not JSON, broken multipart, missing CSRF header). */
  BAD_REQUEST: 400,
  /** Set by Apollo Server: the document does not parse, or is over MAX_QUERY_TOKENS. */
  GRAPHQL_PARSE_FAILED: 400,
  /** Set by Apollo Server: the document does not validate against the schema, or is over a shape limit (MAX_QUERY_DEPTH…). */
  GRAPHQL_VALIDATION_FAILED: 400,
  /** Set by Apollo Server: the operation named is not in the document. */
  OPERATION_RESOLUTION_FAILURE: 400,
  /** Set by Apollo Server's automatic persisted queries: a step of that protocol (send the whole query), not a failure. */
  PERSISTED_QUERY_NOT_FOUND: 200,
  PERSISTED_QUERY_NOT_SUPPORTED: 200,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  /** The caller sent more than its budget allows; `extensions.retryAfterSeconds` says when to try again. */
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
  /** A dependency is down or past its time; `extensions.dependency` names it. */
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof HTTP_STATUS_OF_CODE;

/** The codes by name, for `ErrorCode.NOT_FOUND` rather than a string spelled by hand. */
export const ErrorCode = Object.freeze(
  Object.fromEntries(Object.keys(HTTP_STATUS_OF_CODE).map((code) => [code, code])) as { readonly [Code in ErrorCode]: Code },
);

/** The codes Apollo Server assigns itself to problems of the request, as opposed to those our error classes carry. */
export const APOLLO_SERVER_CODES: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.GRAPHQL_PARSE_FAILED,
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
  ErrorCode.OPERATION_RESOLUTION_FAILURE,
  ErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
]);

/**
 * Statuses more precise than 400 that HTTP has for some refusals of the 400 class: a body or an
 * export over its size limit (413), a body that did not arrive in time (408), a body of a type the
 * route does not take (415). A refusal may answer one of these instead of its code's 400.
 */
export const REFINED_STATUS = { PAYLOAD_TOO_LARGE: 413, REQUEST_TIMEOUT: 408, UNSUPPORTED_MEDIA_TYPE: 415 } as const;
export type RefinedStatus = (typeof REFINED_STATUS)[keyof typeof REFINED_STATUS];
const REFINED_STATUSES = new Set<number>(Object.values(REFINED_STATUS));

/** `status` when it is one of the refinements above, for a status that comes from a library (Express's body parser). */
export function asRefinedStatus(status: number): RefinedStatus | undefined {
  return REFINED_STATUSES.has(status) ? (status as RefinedStatus) : undefined;
}

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(HTTP_STATUS_OF_CODE, code);
}

/** The status a refusal with `code` answers with: the table's, or a refinement of its 400. */
export function httpStatusOf(code: ErrorCode, refined?: RefinedStatus): number {
  const status = HTTP_STATUS_OF_CODE[code];
  return refined !== undefined && status === 400 ? refined : status;
}

/** Whether an HTTP answer whose single error carries `code` has the status the table gives it. */
export function statusAgreesWithCode(status: number, code: ErrorCode): boolean {
  const expected = HTTP_STATUS_OF_CODE[code];
  return status === expected || (expected === 400 && REFINED_STATUSES.has(status));
}
