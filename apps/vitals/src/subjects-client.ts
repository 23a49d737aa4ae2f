import { ErrorCode, ServiceUnavailableError } from '@trialgraph/graphql-kit';
import { timeLeftMs } from '@trialgraph/observability';
import { GraphQLError } from 'graphql';
import pRetry, { AbortError } from 'p-retry';

export interface SubjectSummary {
  id: string;
  subjectNumber: string;
  studyId: string;
  siteId: string;
}

export interface StudySummary {
  id: string;
  code: string;
}

/**
 * The explicit, batched call from vitals to the subjects subgraph: vitals never reads the
 * subjects database. It carries the caller's token, so the subjects subgraph applies the
 * caller's site scope: a subject the caller may not see is simply not found.
 */
export interface SubjectsClient {
  findStudy(studyId: string): Promise<StudySummary | null>;
  findSubject(subjectId: string): Promise<SubjectSummary | null>;
  findSubjectsByNumbers(studyId: string, subjectNumbers: readonly string[]): Promise<SubjectSummary[]>;
}

/** Exports name subjects by number; they know them by id. */
export interface SubjectNumberLookup {
  /** Subject numbers by subject id, for the subjects the caller may look up; the others are left out. */
  findSubjectNumbers(subjectIds: readonly string[]): Promise<Map<string, string>>;
}

/** How long one call may take, and how often one that got no usable answer is tried again. */
export interface SubjectsCallPolicy {
  timeoutMs: number;
  retries: number;
  /** The wait before the first retry; it doubles for each next one. */
  backoffMs: number;
}

/** The most numbers `subjectsByNumbers` takes in one call (schema/subjects.graphql). */
export const SUBJECT_NUMBERS_PER_CALL = 5_000;

/** A call that got no usable answer (unreachable, too slow, 5xx, SERVICE_UNAVAILABLE): worth trying again. */
class NoAnswer extends Error {}

/** The subjects service gave no usable answer, however often it was asked; `reason` says what came back and how often it was tried. */
export class SubjectsUnavailableError extends ServiceUnavailableError {
  constructor(
    readonly reason: string,
    cause: unknown,
  ) {
    super(`The subjects service did not answer (${reason}); retry in a moment.`, { dependency: 'subjects', cause });
  }
}

export function createSubjectsClient(options: {
  url: string;
  authorization: string | undefined;
  requestId: string;
  policy: SubjectsCallPolicy;
}): SubjectsClient & SubjectNumberLookup {
  const { policy } = options;

  const attempt = async <Data>(query: string, variables: Record<string, unknown>): Promise<Data> => {
    // A request with a deadline gets no call that would outlive it.
    const timeoutMs = Math.min(policy.timeoutMs, timeLeftMs());
    if (timeoutMs <= 0) throw new AbortError(new NoAnswer('the request ran out of time before the subjects service could be asked'));
    let response: Response;
    let body: { data?: Data; errors?: Array<{ message: string; extensions?: { code?: ErrorCode } }> };
    try {
      response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-request-id': options.requestId,
          ...(options.authorization ? { authorization: options.authorization } : {}),
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.status >= 500 || response.status === 429) throw new NoAnswer(`it answered HTTP ${response.status}`);
      body = (await response.json()) as typeof body;
    } catch (error) {
      if (error instanceof NoAnswer) throw error;
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new NoAnswer(timedOut ? `no answer within ${timeoutMs} ms` : describeFailure(error));
    }
    const [error] = body.errors ?? [];
    if (error) {
      const code = error.extensions?.code;
      if (code === undefined || code === ErrorCode.SERVICE_UNAVAILABLE) throw new NoAnswer(`it answered "${error.message}"`);
      // The subjects subgraph's refusals (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT…) reach the
      // caller unchanged, and are not tried again: the same call would be refused again.
      throw new AbortError(new GraphQLError(error.message, { extensions: { code } }));
    }
    if (!body.data) throw new NoAnswer(`it answered HTTP ${response.status} without data`);
    return body.data;
  };

  /**
   * One logical call, tried again with exponential backoff while the subjects service gives no
   * usable answer: a restart or a moment of overload must not fail an import of millions of rows.
   * Once the retries are spent, a SERVICE_UNAVAILABLE naming the subjects service.
   */
  const call = async <Data>(query: string, variables: Record<string, unknown>): Promise<Data> => {
    const started = Date.now();
    let attempts = 0;
    try {
      return await pRetry(
        () => {
          attempts++;
          return attempt<Data>(query, variables);
        },
        {
          retries: policy.retries,
          minTimeout: policy.backoffMs,
          factor: 2,
          randomize: true,
          maxRetryTime: timeLeftMs(),
          shouldRetry: ({ error }) => error instanceof NoAnswer,
        },
      );
    } catch (error) {
      if (!(error instanceof NoAnswer)) throw error;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      throw new SubjectsUnavailableError(`${error.message}; ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'} in ${seconds} s`, error);
    }
  };

  return {
    async findStudy(studyId) {
      const data = await call<{ study: StudySummary | null }>(`query VitalsFindStudy($id: ID!) { study(id: $id) { id code } }`, { id: studyId });
      return data.study;
    },
    async findSubject(subjectId) {
      const data = await call<{ subject: { id: string; subjectNumber: string; study: { id: string }; site: { id: string } } | null }>(
        `query VitalsFindSubject($id: ID!) { subject(id: $id) { id subjectNumber study { id } site { id } } }`,
        { id: subjectId },
      );
      const { subject } = data;
      return subject && { id: subject.id, subjectNumber: subject.subjectNumber, studyId: subject.study.id, siteId: subject.site.id };
    },
    async findSubjectsByNumbers(studyId, subjectNumbers) {
      const found: SubjectSummary[] = [];
      // A batch of IMPORT_BATCH_SIZE rows may name more subjects than one call may ask for.
      for (let start = 0; start < subjectNumbers.length; start += SUBJECT_NUMBERS_PER_CALL) {
        const data = await call<{ subjectsByNumbers: Array<{ id: string; subjectNumber: string; site: { id: string } }> }>(
          `query VitalsFindSubjectsByNumbers($studyId: ID!, $numbers: [String!]!) { subjectsByNumbers(studyId: $studyId, subjectNumbers: $numbers) { id subjectNumber site { id } } }`,
          { studyId, numbers: subjectNumbers.slice(start, start + SUBJECT_NUMBERS_PER_CALL) },
        );
        for (const subject of data.subjectsByNumbers) {
          found.push({ id: subject.id, subjectNumber: subject.subjectNumber, studyId, siteId: subject.site.id });
        }
      }
      return found;
    },
    async findSubjectNumbers(subjectIds) {
      const numbers = new Map<string, string>();
      for (let start = 0; start < subjectIds.length; start += SUBJECT_NUMBERS_PER_CALL) {
        // Entity references are how the graph resolves a subject by id; the subjects subgraph applies the caller's scope to each.
        const data = await call<{ _entities: Array<{ id: string; subjectNumber: string } | null> }>(
          `query VitalsFindSubjectNumbers($representations: [_Any!]!) { _entities(representations: $representations) { ... on Subject { id subjectNumber } } }`,
          { representations: subjectIds.slice(start, start + SUBJECT_NUMBERS_PER_CALL).map((id) => ({ __typename: 'Subject', id })) },
        );
        for (const subject of data._entities) if (subject) numbers.set(subject.id, subject.subjectNumber);
      }
      return numbers;
    },
  };
}

/** fetch hides the reason in `cause` (ECONNREFUSED, ECONNRESET…); that is what an operator needs. */
function describeFailure(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return cause.code;
  return error instanceof Error ? error.message : String(error);
}
