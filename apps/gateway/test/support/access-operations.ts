import { errorCodes, graphqlRequest, type GraphqlResponse } from '@trialgraph/testing';
import { importVitalsFile } from '@trialgraph/upload-client';
import { holds, reaches, reachesStudyOf, type MatrixCaller, type Target } from './access-oracle.js';

/**
 * Every operation of the graph, as the access matrix calls it: how to call it on a target
 * row (through the gateway, or at the subgraph that owns it), what the caller notices, and
 * what ACCESS_POLICY says they should notice.
 */

export interface MatrixSubject {
  id: string;
  subjectNumber: string;
  studyId: string;
  siteId: string;
}

export interface MatrixWorld {
  studies: Record<Target, { id: string; siteId: string }>;
  /** A subject per target, with a vital sign, named (personal data) and in SCREENING. */
  subjects: Record<Target, MatrixSubject>;
  /** Per caller, subjects of its own to update, so callers run side by side without version conflicts. */
  updateTargets: Map<string, Record<Target, MatrixSubject>>;
  /** Import reports, each with row errors, sent by coordinators at each target's site (never by a matrix caller). */
  reports: Record<Target, string>;
  /** An administrator's token, for reading a version before an update. */
  adminToken: string;
}

export type Route = 'gateway' | 'subgraph';

export interface Call {
  route: Route;
  caller: MatrixCaller;
  token: string;
  /** The gateway, or the owning subgraph's GraphQL URL. */
  url: string;
  world: MatrixWorld;
  /** A number unique to this call, for readings, studies and files that must not repeat. */
  unique: number;
}

export interface MatrixOperation {
  name: string;
  owner: 'subjects' | 'vitals';
  /** Targets it is called on; every target unless said otherwise. */
  targets?: readonly Target[];
  /** Routes it is called on; both unless said otherwise. */
  routes?: readonly Route[];
  expected(caller: MatrixCaller, target: Target, route: Route): string;
  run(call: Call, target: Target): Promise<string>;
}

const send = (call: Call, query: string, variables: Record<string, unknown> = {}) =>
  graphqlRequest(call.url, query, variables, { authorization: `Bearer ${call.token}` });

/** The first error's code, or what the data shows. */
function outcome(response: GraphqlResponse, ok: (data: any) => string): string {
  if (response.errors?.length) return errorCodes(response)[0] ?? 'NO CODE';
  return ok(response.data);
}

const found = (field: string) => (data: any) => (data?.[field] ? 'OK' : 'NULL');
const readOrNotFound = (caller: MatrixCaller, target: Target) =>
  !holds(caller, 'readSubjects') ? 'FORBIDDEN' : reaches(caller, 'readSubjects', target) ? 'OK' : 'NOT_FOUND';
/** Checks of a change: the right at all, the subject readable, then the right at its site. */
const changeOutcome = (caller: MatrixCaller, target: Target, done: string) =>
  !holds(caller, 'changeSubjects')
    ? 'FORBIDDEN'
    : !reaches(caller, 'readSubjects', target)
      ? 'NOT_FOUND'
      : !reaches(caller, 'changeSubjects', target)
        ? 'FORBIDDEN'
        : done;

const csvOf = (subjectNumber: string, unique: number) =>
  `patient_id,record_time,heart_rate\n${subjectNumber},${new Date(Date.UTC(2025, 0, 1) + unique * 60_000).toISOString()},70\n`;

async function* bytes(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

export const MATRIX_OPERATIONS: readonly MatrixOperation[] = [
  {
    name: 'study(id)',
    owner: 'subjects',
    expected: (caller, target) => (reachesStudyOf(caller, 'readStudies', target) ? 'OK' : 'NOT_FOUND'),
    run: async (call, target) =>
      outcome(await send(call, `query($id: ID!) { study(id: $id) { id sites { code } } }`, { id: call.world.studies[target].id }), found('study')),
  },
  {
    name: 'createStudy',
    owner: 'subjects',
    targets: ['own site'],
    expected: (caller) => (holds(caller, 'createStudies') ? 'OK' : 'FORBIDDEN'),
    run: async (call) =>
      outcome(
        await send(call, `mutation($input: CreateStudyInput!) { createStudy(input: $input) { id } }`, {
          input: { code: `MX-${call.unique}`, name: 'Matrix study', sites: [{ code: 'X1', name: 'X' }] },
        }),
        found('createStudy'),
      ),
  },
  {
    name: 'subject(id)',
    owner: 'subjects',
    expected: readOrNotFound,
    run: async (call, target) =>
      outcome(
        await send(call, `query($id: ID!) { subject(id: $id) { id subjectNumber age status } }`, { id: call.world.subjects[target].id }),
        found('subject'),
      ),
  },
  {
    name: 'subjectByNumber',
    owner: 'subjects',
    expected: readOrNotFound,
    run: async (call, target) => {
      const subject = call.world.subjects[target];
      return outcome(
        await send(call, `query($s: ID!, $n: String!) { subjectByNumber(studyId: $s, subjectNumber: $n) { id age } }`, {
          s: subject.studyId,
          n: subject.subjectNumber,
        }),
        found('subjectByNumber'),
      );
    },
  },
  {
    name: 'subjects(studyId) lists the target',
    owner: 'subjects',
    expected: (caller, target) =>
      !holds(caller, 'readSubjects')
        ? 'FORBIDDEN'
        : !reachesStudyOf(caller, 'readStudies', target)
          ? 'NOT_FOUND'
          : reaches(caller, 'readSubjects', target)
            ? 'LISTED'
            : 'NOT_LISTED',
    run: async (call, target) => {
      const subject = call.world.subjects[target];
      const response = await send(call, `query($s: ID!) { subjects(studyId: $s, first: 500) { totalCount edges { node { id name } } } }`, {
        s: subject.studyId,
      });
      return outcome(response, (data) => {
        const ids = data.subjects.edges.map((edge: any) => edge.node.id);
        if (data.subjects.totalCount !== ids.length) return `COUNTED ${data.subjects.totalCount} SHOWED ${ids.length}`;
        return ids.includes(subject.id) ? 'LISTED' : 'NOT_LISTED';
      });
    },
  },
  {
    name: 'subjectsByNumbers: id, number and site',
    owner: 'subjects',
    expected: (caller, target) => (!holds(caller, 'lookUpSubjects') ? 'FORBIDDEN' : reaches(caller, 'lookUpSubjects', target) ? 'OK' : 'EMPTY'),
    run: async (call, target) => {
      const subject = call.world.subjects[target];
      const response = await send(
        call,
        `query($s: ID!, $n: [String!]!) { subjectsByNumbers(studyId: $s, subjectNumbers: $n) { id subjectNumber site { code } } }`,
        {
          s: subject.studyId,
          n: [subject.subjectNumber],
        },
      );
      return outcome(response, (data) => (data.subjectsByNumbers.length === 1 ? 'OK' : 'EMPTY'));
    },
  },
  {
    name: 'subjectsByNumbers: name, age, sex, status, createdAt',
    owner: 'subjects',
    expected: (caller, target) =>
      !holds(caller, 'lookUpSubjects')
        ? 'FORBIDDEN'
        : !reaches(caller, 'lookUpSubjects', target)
          ? 'EMPTY'
          : reaches(caller, 'readPersonalData', target) && reaches(caller, 'readSubjects', target)
            ? 'OK'
            : 'FORBIDDEN',
    run: async (call, target) => {
      const subject = call.world.subjects[target];
      const response = await send(
        call,
        `query($s: ID!, $n: [String!]!) { subjectsByNumbers(studyId: $s, subjectNumbers: $n) { subjectNumber name age sex status createdAt } }`,
        { s: subject.studyId, n: [subject.subjectNumber] },
      );
      const leaked = JSON.stringify(response.data ?? null);
      if (response.errors?.length && /"(age|sex|status|createdAt)":[^n]|"name":"/.test(leaked)) return 'LEAKED WITH AN ERROR';
      return outcome(response, (data) => (data.subjectsByNumbers.length === 1 ? 'OK' : 'EMPTY'));
    },
  },
  {
    name: 'Subject entity: number and name',
    owner: 'subjects',
    routes: ['subgraph'],
    expected: (caller, target) =>
      !(reaches(caller, 'lookUpSubjects', target) || reaches(caller, 'readSubjects', target) || reaches(caller, 'readPersonalData', target))
        ? 'NULL'
        : reaches(caller, 'readPersonalData', target)
          ? 'OK'
          : 'FORBIDDEN',
    run: async (call, target) => {
      const response = await send(call, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Subject { subjectNumber name } } }`, {
        r: [{ __typename: 'Subject', id: call.world.subjects[target].id }],
      });
      return outcome(response, (data) => (data._entities[0] ? 'OK' : 'NULL'));
    },
  },
  {
    name: 'createSubject',
    owner: 'subjects',
    expected: (caller, target) =>
      !holds(caller, 'changeSubjects')
        ? 'FORBIDDEN'
        : !reachesStudyOf(caller, 'readStudies', target)
          ? 'NOT_FOUND'
          : reaches(caller, 'changeSubjects', target)
            ? 'OK'
            : 'FORBIDDEN',
    run: async (call, target) =>
      outcome(
        await send(call, `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id } }`, {
          input: { studyId: call.world.studies[target].id, siteId: call.world.studies[target].siteId, age: 30, sex: 'MALE' },
        }),
        found('createSubject'),
      ),
  },
  {
    name: 'updateSubject',
    owner: 'subjects',
    expected: (caller, target) => changeOutcome(caller, target, 'OK'),
    run: async (call, target) => {
      const subject = call.world.updateTargets.get(call.caller.name)![target];
      const current = await graphqlRequest(
        call.url,
        `query($id: ID!) { subject(id: $id) { version age } }`,
        { id: subject.id },
        { authorization: `Bearer ${call.world.adminToken}` },
      );
      const { version, age } = current.data!.subject;
      return outcome(
        await send(
          call,
          `mutation($id: ID!, $v: Int!, $age: Int!) { updateSubject(id: $id, input: { age: $age }, expectedVersion: $v, reason: "matrix") { id age } }`,
          {
            id: subject.id,
            v: version,
            age: age === 50 ? 51 : 50,
          },
        ),
        found('updateSubject'),
      );
    },
  },
  {
    // The subjects are in SCREENING, which cannot be withdrawn: CONFLICT shows the caller got
    // past every access check, and nothing changes whoever calls.
    name: 'withdrawSubject',
    owner: 'subjects',
    expected: (caller, target) => changeOutcome(caller, target, 'CONFLICT'),
    run: async (call, target) =>
      outcome(
        await send(call, `mutation($id: ID!) { withdrawSubject(id: $id, reason: "matrix") { id } }`, { id: call.world.subjects[target].id }),
        found('withdrawSubject'),
      ),
  },
  {
    name: 'auditTrail',
    owner: 'subjects',
    expected: (caller, target) => (!holds(caller, 'readAuditTrail') ? 'FORBIDDEN' : reaches(caller, 'readAuditTrail', target) ? 'OK' : 'NOT_FOUND'),
    run: async (call, target) =>
      outcome(await send(call, `query($id: ID!) { auditTrail(entityId: $id) { totalCount } }`, { id: call.world.subjects[target].id }), (data) =>
        data.auditTrail.totalCount > 0 ? 'OK' : 'EMPTY',
      ),
  },
  {
    // The matrix's world exports nothing, so a caller allowed sees an empty trail; the others are refused.
    name: 'exportAuditTrail of the target subject’s study',
    owner: 'vitals',
    expected: (caller, target) => (!holds(caller, 'readAuditTrail') ? 'FORBIDDEN' : reachesStudyOf(caller, 'readAuditTrail', target) ? 'EMPTY' : 'NOT_FOUND'),
    run: async (call, target) =>
      outcome(
        await send(call, `query($studyId: ID!) { exportAuditTrail(studyId: $studyId) { totalCount } }`, { studyId: call.world.subjects[target].studyId }),
        (data) => (data.exportAuditTrail.totalCount > 0 ? 'OK' : 'EMPTY'),
      ),
  },
  {
    name: 'recordVitalSign',
    owner: 'vitals',
    expected: (caller, target) =>
      !holds(caller, 'recordVitals')
        ? 'FORBIDDEN'
        : !reaches(caller, 'readSubjects', target)
          ? 'NOT_FOUND'
          : reaches(caller, 'recordVitals', target)
            ? 'OK'
            : 'FORBIDDEN',
    run: async (call, target) =>
      outcome(
        await send(call, `mutation($input: RecordVitalSignInput!) { recordVitalSign(input: $input) { id heartRate } }`, {
          input: { subjectId: call.world.subjects[target].id, recordedAt: new Date(Date.UTC(2026, 0, 1) + call.unique * 60_000).toISOString(), heartRate: 70 },
        }),
        found('recordVitalSign'),
      ),
  },
  {
    name: 'Subject.vitals and latestVitalSign',
    owner: 'vitals',
    expected: (caller, target, route) => {
      if (route === 'gateway' && readOrNotFound(caller, target) !== 'OK') return readOrNotFound(caller, target);
      return !holds(caller, 'readVitals') ? 'FORBIDDEN' : reaches(caller, 'readVitals', target) ? 'OK' : 'EMPTY';
    },
    run: async (call, target) => {
      const id = call.world.subjects[target].id;
      const seen = (subject: any) =>
        subject.vitals.totalCount > 0 && subject.latestVitalSign ? 'OK' : subject.vitals.totalCount === 0 && !subject.latestVitalSign ? 'EMPTY' : 'PARTLY';
      if (call.route === 'gateway') {
        return outcome(
          await send(call, `query($id: ID!) { subject(id: $id) { id vitals(first: 5) { totalCount } latestVitalSign { heartRate } } }`, { id }),
          (data) => seen(data.subject),
        );
      }
      const response = await send(
        call,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Subject { vitals(first: 5) { totalCount } latestVitalSign { heartRate } } } }`,
        {
          r: [{ __typename: 'Subject', id }],
        },
      );
      return outcome(response, (data) => seen(data._entities[0]));
    },
  },
  {
    name: 'vitalsExport of the target subject',
    owner: 'vitals',
    expected: (caller, target) => (!holds(caller, 'exportVitals') ? 'FORBIDDEN' : reaches(caller, 'exportVitals', target) ? 'OK' : 'NOT_FOUND'),
    run: async (call, target) => {
      const subject = call.world.subjects[target];
      return outcome(
        await send(call, `query($studyId: ID!, $subjectId: ID!) { vitalsExport(studyId: $studyId, subjectId: $subjectId, format: FHIR) { readings url } }`, {
          studyId: subject.studyId,
          subjectId: subject.id,
        }),
        (data) => (data.vitalsExport.readings > 0 ? 'OK' : 'EMPTY'),
      );
    },
  },
  {
    name: 'importVitals (a row of the target subject), then its own report',
    owner: 'vitals',
    expected: (caller, target) =>
      !holds(caller, 'importVitals')
        ? 'FORBIDDEN'
        : !reachesStudyOf(caller, 'importVitals', target)
          ? 'NOT_FOUND'
          : reaches(caller, 'importVitals', target)
            ? 'STORED'
            : 'UNKNOWN_SUBJECT',
    run: async (call, target) => {
      const subject = call.world.subjects[target];
      const response = await importVitalsFile({
        url: call.url,
        studyId: subject.studyId,
        file: bytes(csvOf(subject.subjectNumber, call.unique)),
        fileName: 'matrix.csv',
        token: call.token,
      });
      if (response.errors?.length) return response.errors[0]?.extensions?.code ?? 'NO CODE';
      const report = response.data?.importVitals;
      const own = await send(call, `query($id: ID!) { vitalsImport(id: $id) { id errors { edges { node { code } } } } }`, { id: report?.id });
      if (!own.data?.vitalsImport) return 'OWN REPORT HIDDEN';
      if (report?.rowsAccepted === 1) return 'STORED';
      return report?.errors?.[0]?.code ?? 'NOTHING';
    },
  },
  {
    name: 'vitalsImport(id) of another user, with its row errors',
    owner: 'vitals',
    expected: (caller, target) => (reaches(caller, 'readImportReports', target) ? 'OK' : 'NULL'),
    run: async (call, target) =>
      outcome(
        await send(call, `query($id: ID!) { vitalsImport(id: $id) { id fileName errors { edges { node { line code value } } } } }`, {
          id: call.world.reports[target],
        }),
        (data) => (data.vitalsImport ? (data.vitalsImport.errors.edges.length > 0 ? 'OK' : 'NO ERRORS') : 'NULL'),
      ),
  },
  {
    name: 'vitalsImports(studyId) lists another user’s report',
    owner: 'vitals',
    expected: (caller, target) =>
      !reachesStudyOf(caller, 'readImportReports', target) ? 'NOT_FOUND' : reaches(caller, 'readImportReports', target) ? 'LISTED' : 'NOT_LISTED',
    run: async (call, target) => {
      const response = await send(call, `query($s: ID!) { vitalsImports(studyId: $s, first: 100) { edges { node { id } } } }`, {
        s: call.world.studies[target].id,
      });
      return outcome(response, (data) => (data.vitalsImports.edges.some((edge: any) => edge.node.id === call.world.reports[target]) ? 'LISTED' : 'NOT_LISTED'));
    },
  },
  {
    name: 'node(id) of the target subject, by its global id',
    owner: 'subjects',
    expected: (caller, target) => (reaches(caller, 'lookUpSubjects', target) ? 'OK' : 'NOT_FOUND'),
    run: async (call, target) => {
      const nodeId = Buffer.from(`Subject:${call.world.subjects[target].id}`).toString('base64');
      return outcome(await send(call, `query($id: ID!) { node(id: $id) { nodeId ... on Subject { subjectNumber } } }`, { id: nodeId }), (data) =>
        data.node?.subjectNumber === call.world.subjects[target].subjectNumber ? 'OK' : 'NULL',
      );
    },
  },
  {
    name: 'node(id) of the target subject’s reading, by its global id',
    owner: 'vitals',
    // Through subjects, which owns node(id:), then vitals, which owns the reading. A role
    // without the right is refused as for Subject.vitals; one with it, outside its scope, finds nothing.
    routes: ['gateway'],
    expected: (caller, target) => (!holds(caller, 'readVitals') ? 'FORBIDDEN' : reaches(caller, 'readVitals', target) ? 'OK' : 'NOT_FOUND'),
    run: async (call, target) => {
      const admin = await graphqlRequest(
        call.url,
        `query($id: ID!) { subject(id: $id) { latestVitalSign { nodeId } } }`,
        { id: call.world.subjects[target].id },
        { authorization: `Bearer ${call.world.adminToken}` },
      );
      const nodeId = admin.data?.subject.latestVitalSign.nodeId;
      return outcome(await send(call, `query($id: ID!) { node(id: $id) { ... on VitalSign { heartRate subject { id } } } }`, { id: nodeId }), (data) =>
        data.node?.subject?.id === call.world.subjects[target].id ? 'OK' : 'NULL',
      );
    },
  },
  {
    name: 'node(id) of another user’s import report, by its global id',
    owner: 'vitals',
    routes: ['gateway'],
    expected: (caller, target) => (reaches(caller, 'readImportReports', target) ? 'OK' : 'NOT_FOUND'),
    run: async (call, target) => {
      const nodeId = Buffer.from(`VitalsImport:${call.world.reports[target]}`).toString('base64');
      return outcome(await send(call, `query($id: ID!) { node(id: $id) { ... on VitalsImport { id fileName } } }`, { id: nodeId }), (data) =>
        data.node?.id === call.world.reports[target] ? 'OK' : 'NULL',
      );
    },
  },
  {
    name: 'VitalsImport.auditTrail of another user’s report',
    owner: 'vitals',
    expected: (caller, target) => (!reaches(caller, 'readImportReports', target) ? 'NULL' : reaches(caller, 'readAuditTrail', target) ? 'OK' : 'FORBIDDEN'),
    run: async (call, target) =>
      outcome(await send(call, `query($id: ID!) { vitalsImport(id: $id) { id auditTrail { action actor } } }`, { id: call.world.reports[target] }), (data) =>
        data.vitalsImport ? (data.vitalsImport.auditTrail?.length > 0 ? 'OK' : 'EMPTY') : 'NULL',
      ),
  },
];
