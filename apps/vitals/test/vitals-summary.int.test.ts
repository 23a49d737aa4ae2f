import { adminHeaders, authHeaders, createTestDatabase, errorCodes, graphqlRequest, testToken, type TestDatabase } from '@trialgraph/testing';
import { importVitalsFile } from '@trialgraph/upload-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVitalsStack, type VitalsStack } from './support/vitals-stack.js';

const MEASURES = ['heartRate', 'systolic', 'diastolic', 'temperature', 'respiratoryRate', 'spo2'] as const;
type Measure = (typeof MEASURES)[number];
type Reading = { recordedAt: string } & Partial<Record<Measure, number>>;

const SUMMARY_FIELDS = `from to count ${MEASURES.map((measure) => `${measure} { count min max mean }`).join(' ')}`;
const SUBJECT_SUMMARY = `query($id: ID!, $from: DateTime!, $to: DateTime!) {
  subject(id: $id) { vitalsSummary(from: $from, to: $to) { ${SUMMARY_FIELDS} } }
}`;
const PAGE_SUMMARIES = `query($studyId: ID!, $from: DateTime!, $to: DateTime!) {
  subjects(studyId: $studyId, first: 10) { edges { node { id vitalsSummary(from: $from, to: $to) { ${SUMMARY_FIELDS} } } } }
}`;
const RECORD = `mutation($input: RecordVitalSignInput!) { recordVitalSign(input: $input) { id } }`;

/** The window every test asks about: 1 March 2026, both ends inclusive. */
const FROM = '2026-03-01T00:00:00.000Z';
const TO = '2026-03-01T23:59:59.999Z';

interface MeasureSummary {
  count: number;
  min: number | null;
  max: number | null;
  mean: number | null;
}
type Summary = { from: string; to: string; count: number } & Record<Measure, MeasureSummary>;

/** What the summary must say, computed here from the readings sent. */
function expectedSummary(readings: Reading[], from = FROM, to = TO): Summary {
  const inWindow = readings.filter((reading) => reading.recordedAt >= from && reading.recordedAt <= to);
  const measures = Object.fromEntries(
    MEASURES.map((measure): [Measure, MeasureSummary] => {
      const values = inWindow.map((reading) => reading[measure]).filter((value): value is number => value !== undefined);
      return [
        measure,
        {
          count: values.length,
          min: values.length ? Math.min(...values) : null,
          max: values.length ? Math.max(...values) : null,
          mean: values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : null,
        },
      ];
    }),
  );
  return { from, to, count: inWindow.length, ...(measures as Record<Measure, MeasureSummary>) };
}

/** Means are compared to 1e-9: they are computed by the database in decimal, here in binary floating point. */
function expectSummary(actual: Summary, expected: Summary): void {
  const { from, to, count } = expected;
  expect({ from: actual.from, to: actual.to, count: actual.count }).toEqual({ from, to, count });
  for (const measure of MEASURES) {
    const wanted = expected[measure];
    expect({ ...actual[measure], mean: null }, measure).toEqual({ ...wanted, mean: null });
    if (wanted.mean === null) expect(actual[measure].mean, measure).toBeNull();
    else expect(actual[measure].mean, measure).toBeCloseTo(wanted.mean, 9);
  }
}

describe('a summary of each subject’s vitals over a window (real processes, PostgreSQL)', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let stack: VitalsStack;
  let studyId: string;
  let sites: [string, string];
  /** Subjects 0 and 1 at the first site, 2 at the second. */
  const subjects: Array<{ id: string; number: string; readings: Reading[] }> = [];

  beforeAll(async () => {
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_sum_s'), createTestDatabase('tg_sum_v')]);
    stack = await startVitalsStack({ subjectsDatabaseUrl: subjectsDb.url, vitalsEnv: { VITALS_DATABASE_URL: vitalsDb.url } });
    const headers = await adminHeaders();
    const study = await graphqlRequest(
      stack.gateway.url,
      `mutation { createStudy(input: { code: "SUM01", name: "Summaries", sites: [{ code: "S01", name: "North" }, { code: "S02", name: "South" }] }) { id sites { id } } }`,
      {},
      headers,
    );
    studyId = study.data?.createStudy.id;
    sites = study.data?.createStudy.sites.map((site: { id: string }) => site.id);
    for (const siteId of [sites[0], sites[0], sites[1]]) {
      const created = await graphqlRequest(
        stack.gateway.url,
        `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id subjectNumber } }`,
        {
          input: { studyId, siteId, age: 40, sex: 'FEMALE' },
        },
        headers,
      );
      subjects.push({ id: created.data?.createSubject.id, number: created.data?.createSubject.subjectNumber, readings: [] });
    }

    // Subject 0: readings one by one, some measures missing, two on the window's very edges and two just outside.
    subjects[0]!.readings.push(
      { recordedAt: '2026-02-28T23:59:59.999Z', heartRate: 200, temperature: 39.9 },
      { recordedAt: FROM, heartRate: 61, systolic: 118, diastolic: 76, temperature: 36.6, respiratoryRate: 14, spo2: 97 },
      { recordedAt: '2026-03-01T08:30:00.000Z', heartRate: 72, temperature: 37.2 },
      { recordedAt: '2026-03-01T12:00:00.000Z', systolic: 131, diastolic: 85, spo2: 99 },
      { recordedAt: TO, heartRate: 90, temperature: 38.1, respiratoryRate: 18 },
      { recordedAt: '2026-03-02T00:00:00.000Z', heartRate: 30, spo2: 80 },
    );
    for (const reading of subjects[0]!.readings) {
      const response = await graphqlRequest(stack.gateway.url, RECORD, { input: { subjectId: subjects[0]!.id, ...reading } }, headers);
      expect(response.errors).toBeUndefined();
    }
    // Subjects 1 and 2: an hourly import, as a site sends it.
    const lines = ['patient_id,record_time,heart_rate,systolic,diastolic,temperature,respiratory_rate,spo2'];
    for (const [index, subject] of subjects.slice(1).entries()) {
      for (let hour = 0; hour < 30; hour++) {
        const reading = {
          recordedAt: new Date(Date.UTC(2026, 2, 1, hour - 3)).toISOString(),
          heartRate: 55 + ((hour * 7 + index) % 40),
          systolic: 100 + ((hour * 3) % 45),
          diastolic: 60 + (hour % 20),
          temperature: Number((36 + (hour % 15) / 10).toFixed(1)),
          respiratoryRate: 12 + (hour % 6),
          spo2: 92 + (hour % 8),
        };
        subject.readings.push(reading);
        lines.push(
          [
            subject.number,
            reading.recordedAt,
            reading.heartRate,
            reading.systolic,
            reading.diastolic,
            reading.temperature,
            reading.respiratoryRate,
            reading.spo2,
          ].join(','),
        );
      }
    }
    const imported = await importVitalsFile({
      url: stack.gateway.url,
      studyId,
      file: (async function* () {
        yield Buffer.from(lines.join('\n'));
      })(),
      token: await testToken({ roles: ['ADMIN'] }),
    });
    expect(imported.data?.importVitals).toMatchObject({ status: 'SUCCEEDED', rowsAccepted: 60 });
  });

  afterAll(async () => {
    await stack?.stop();
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  it('gives count, min, max and mean of each measure over the window, its ends included, as stored', async () => {
    const response = await graphqlRequest(stack.gateway.url, SUBJECT_SUMMARY, { id: subjects[0]!.id, from: FROM, to: TO }, await adminHeaders());
    expect(response.errors).toBeUndefined();
    const summary = response.data?.subject.vitalsSummary;
    expectSummary(summary, expectedSummary(subjects[0]!.readings));
    // Temperatures are stored as real: the summary reads them back as they were sent.
    expect(summary.temperature).toMatchObject({ min: 36.6, max: 38.1 });
  });

  it('summarises every subject of a page, each from its own readings', async () => {
    const response = await graphqlRequest(stack.gateway.url, PAGE_SUMMARIES, { studyId, from: FROM, to: TO }, await adminHeaders());
    expect(response.errors).toBeUndefined();
    const byId = new Map(response.data?.subjects.edges.map((edge: any) => [edge.node.id, edge.node.vitalsSummary]));
    expect(byId.size).toBe(3);
    for (const subject of subjects) expectSummary(byId.get(subject.id) as Summary, expectedSummary(subject.readings));
  });

  it('answers a window without readings with zero counts and no values', async () => {
    const window = { from: '2025-01-01T00:00:00.000Z', to: '2025-01-31T00:00:00.000Z' };
    const response = await graphqlRequest(stack.gateway.url, SUBJECT_SUMMARY, { id: subjects[1]!.id, ...window }, await adminHeaders());
    expect(response.errors).toBeUndefined();
    expect(response.data?.subject.vitalsSummary).toMatchObject({ ...window, count: 0, heartRate: { count: 0, min: null, max: null, mean: null } });
  });

  it('refuses a window whose start is after its end, saying which', async () => {
    const response = await graphqlRequest(stack.gateway.url, SUBJECT_SUMMARY, { id: subjects[0]!.id, from: TO, to: FROM }, await adminHeaders());
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.message).toBe(`"from" (${TO}) must not be after "to" (${FROM})`);
  });

  it('is refused to a role that may not read vital signs', async () => {
    const partner = await authHeaders({ roles: ['PARTNER'], studies: [studyId] });
    const response = await graphqlRequest(
      stack.vitals.url + 'graphql',
      `query($representations: [_Any!]!) {
      _entities(representations: $representations) { ... on Subject { vitalsSummary(from: "${FROM}", to: "${TO}") { count } } } }`,
      { representations: [{ __typename: 'Subject', id: subjects[0]!.id }] },
      partner,
    );
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    expect(response.data?._entities?.[0]?.vitalsSummary ?? null).toBeNull();
  });

  it('counts nothing for a coordinator asking about a subject of another site', async () => {
    const coordinator = await authHeaders({ roles: ['COORDINATOR'], studies: [studyId], sites: [sites[1]] });
    const response = await graphqlRequest(
      stack.vitals.url + 'graphql',
      `query($representations: [_Any!]!) {
      _entities(representations: $representations) { ... on Subject { vitalsSummary(from: "${FROM}", to: "${TO}") { ${SUMMARY_FIELDS} } } } }`,
      { representations: [subjects[0]!, subjects[2]!].map((subject) => ({ __typename: 'Subject', id: subject.id })) },
      coordinator,
    );
    expect(response.errors).toBeUndefined();
    const [otherSite, ownSite] = response.data?._entities as [{ vitalsSummary: Summary }, { vitalsSummary: Summary }];
    expectSummary(otherSite.vitalsSummary, expectedSummary([]));
    expectSummary(ownSite.vitalsSummary, expectedSummary(subjects[2]!.readings));
  });
});
