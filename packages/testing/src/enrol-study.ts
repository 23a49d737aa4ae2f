import { graphqlRequest } from './graphql-client.js';
import { adminHeaders } from './test-tokens.js';

export interface EnrolledStudy {
  studyId: string;
  siteId: string;
  subjectIds: string[];
  /** The numbers the server assigned, in the order of `subjectIds` (ascending): what a hospital file names. */
  subjectNumbers: string[];
}

const CREATE_STUDY = `mutation($input: CreateStudyInput!) { createStudy(input: $input) { id sites { id } } }`;
const CREATE_SUBJECT = `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id subjectNumber } }`;

/**
 * Creates a study with one site and `subjects` subjects through the API (the gateway, or the
 * subjects subgraph at its /graphql), as an administrator; throws on any refusal. Subjects are
 * created in waves of `concurrency` calls, as a site's staff would enrol them.
 */
export async function enrolStudy(url: string, options: { code: string; subjects: number; concurrency?: number }): Promise<EnrolledStudy> {
  const headers = await adminHeaders();
  const must = async (query: string, variables: Record<string, unknown>) => {
    const response = await graphqlRequest(url, query, variables, headers);
    if (response.errors?.length || !response.data)
      throw new Error(`${url} answered ${response.status}: ${JSON.stringify(response.errors ?? response).slice(0, 300)}`);
    return response.data;
  };
  const study = await must(CREATE_STUDY, { input: { code: options.code, name: `Study ${options.code}`, sites: [{ code: 'S01', name: 'North' }] } });
  const studyId = study.createStudy.id as string;
  const siteId = study.createStudy.sites[0].id as string;
  const concurrency = options.concurrency ?? 1;
  const created: Array<{ id: string; subjectNumber: string }> = [];
  for (let offset = 0; offset < options.subjects; offset += concurrency) {
    const wave = await Promise.all(
      Array.from({ length: Math.min(concurrency, options.subjects - offset) }, (_, inWave) => {
        const index = offset + inWave;
        return must(CREATE_SUBJECT, { input: { studyId, siteId, age: 30 + (index % 50), sex: index % 2 === 0 ? 'FEMALE' : 'MALE' } });
      }),
    );
    created.push(...wave.map((data) => data.createSubject as { id: string; subjectNumber: string }));
  }
  created.sort((a, b) => a.subjectNumber.localeCompare(b.subjectNumber));
  return { studyId, siteId, subjectIds: created.map((subject) => subject.id), subjectNumbers: created.map((subject) => subject.subjectNumber) };
}
