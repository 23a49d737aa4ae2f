import { ServiceUnavailableError, type ErrorCode } from '@trialgraph/graphql-kit';
import { GraphQLError } from 'graphql';

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

/** The most numbers `subjectsByNumbers` takes in one call (schema/subjects.graphql). */
export const SUBJECT_NUMBERS_PER_CALL = 5_000;

export function createSubjectsClient(options: { url: string; authorization: string | undefined; requestId: string }): SubjectsClient {
  const call = async <Data>(query: string, variables: Record<string, unknown>): Promise<Data> => {
    let response: Response;
    try {
      response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-request-id': options.requestId,
          ...(options.authorization ? { authorization: options.authorization } : {}),
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new ServiceUnavailableError('The subjects service is unreachable right now; retry in a moment.', { cause: error });
    }
    const body = (await response.json().catch(() => ({}))) as {
      data?: Data;
      errors?: Array<{ message: string; extensions?: { code?: ErrorCode } }>;
    };
    const [error] = body.errors ?? [];
    if (error) {
      // The subjects subgraph's refusals (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT…) reach the caller unchanged.
      throw new GraphQLError(error.message, { extensions: { code: error.extensions?.code ?? 'SERVICE_UNAVAILABLE' } });
    }
    if (!body.data) throw new ServiceUnavailableError(`The subjects service answered ${response.status} without data.`);
    return body.data;
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
  };
}
