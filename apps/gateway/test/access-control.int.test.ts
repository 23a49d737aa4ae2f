import { mintToken, type Role } from '@trialgraph/auth';
import {
  createTestDatabase,
  errorCodes,
  graphqlRequest,
  startApp,
  TEST_JWT_SECRET,
  type AppProcess,
  type GraphqlResponse,
  type TestDatabase,
} from '@trialgraph/testing';
import { importVitalsFile } from '@trialgraph/upload-client';
import { SignJWT } from 'jose';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ISSUER = 'https://login.trialgraph.test';
const AUDIENCE = 'trialgraph-api';

type Target = 'own site' | 'other site' | 'other study';
type Outcome = 'OK' | 'NOT_FOUND' | 'FORBIDDEN';

interface World {
  studyA: { id: string; sites: Array<{ id: string; code: string }> };
  studyB: { id: string; sites: Array<{ id: string; code: string }> };
  subjects: Record<Target, { id: string; subjectNumber: string; siteId: string; studyId: string }>;
}

/** One user per role: site-scoped roles hold site A1 of study A; study-wide roles hold study A. */
function claimsOf(role: Role, world: World) {
  const siteA1 = world.studyA.sites[0]!.id;
  switch (role) {
    case 'ADMIN':
      return { subject: 'admin-1', roles: [role] };
    case 'INVESTIGATOR':
    case 'COORDINATOR':
      return { subject: `${role.toLowerCase()}-a1`, roles: [role], studies: [world.studyA.id], sites: [siteA1] };
    case 'MONITOR':
    case 'PARTNER':
      return { subject: `${role.toLowerCase()}-a`, roles: [role], studies: [world.studyA.id] };
  }
}

describe('access control through the gateway and at each subgraph (real processes, real PostgreSQL)', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let subjects: AppProcess;
  let vitals: AppProcess;
  let gateway: AppProcess;
  let world: World;
  const tokens = new Map<Role, string>();
  const tokenFor = (role: Role) => tokens.get(role)!;
  const sign = (claims: Parameters<typeof mintToken>[0]) => mintToken(claims, { secret: TEST_JWT_SECRET, issuer: ISSUER, audience: AUDIENCE });
  const as = (role: Role, query: string, variables: Record<string, unknown> = {}, url = gateway.url) =>
    graphqlRequest(url, query, variables, { authorization: `Bearer ${tokenFor(role)}` });

  beforeAll(async () => {
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_access_subjects'), createTestDatabase('tg_access_vitals')]);
    const auth = { JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, NODE_ENV: 'production' };
    subjects = await startApp('subjects', { ...auth, SUBJECTS_DATABASE_URL: subjectsDb.url });
    vitals = await startApp('vitals', { ...auth, VITALS_DATABASE_URL: vitalsDb.url, SUBJECTS_URL: `${subjects.url}graphql` });
    gateway = await startApp('gateway', { ...auth, SUBJECTS_URL: `${subjects.url}graphql`, VITALS_URL: `${vitals.url}graphql` });

    tokens.set('ADMIN', await sign({ subject: 'admin-1', roles: ['ADMIN'] }));
    const createStudy = async (code: string, sites: string[]) =>
      (
        await as('ADMIN', `mutation($input: CreateStudyInput!) { createStudy(input: $input) { id sites { id code } } }`, {
          input: { code, name: `Study ${code}`, sites: sites.map((site) => ({ code: site, name: `Site ${site}` })) },
        })
      ).data?.createStudy;
    const studyA = await createStudy('ACL-A', ['A1', 'A2']);
    const studyB = await createStudy('ACL-B', ['B1']);
    const enrol = async (study: { id: string }, siteId: string, name: string) => {
      const response = await as('ADMIN', `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id subjectNumber } }`, {
        input: { studyId: study.id, siteId, name, age: 50, sex: 'FEMALE' },
      });
      return { ...response.data?.createSubject, siteId, studyId: study.id };
    };
    world = {
      studyA,
      studyB,
      subjects: {
        'own site': await enrol(studyA, studyA.sites[0].id, 'Ada Own'),
        'other site': await enrol(studyA, studyA.sites[1].id, 'Bea Other'),
        'other study': await enrol(studyB, studyB.sites[0].id, 'Cy Elsewhere'),
      },
    };
    for (const role of ['INVESTIGATOR', 'COORDINATOR', 'MONITOR', 'PARTNER'] as const) tokens.set(role, await sign(claimsOf(role, world)));
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), vitals?.stop(), subjects?.stop()]);
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  const outcomeOf = (response: GraphqlResponse, field: string): Outcome | string => {
    if (response.errors?.length) return errorCodes(response)[0] ?? 'NO CODE';
    return response.data?.[field] ? 'OK' : 'EMPTY';
  };

  const TARGETS: Target[] = ['own site', 'other site', 'other study'];
  const ROLES: Role[] = ['ADMIN', 'INVESTIGATOR', 'COORDINATOR', 'MONITOR', 'PARTNER'];
  const expectations: Record<string, Record<Role, [Outcome, Outcome, Outcome]>> = {
    'subject(id)': {
      ADMIN: ['OK', 'OK', 'OK'],
      INVESTIGATOR: ['OK', 'NOT_FOUND', 'NOT_FOUND'],
      COORDINATOR: ['OK', 'NOT_FOUND', 'NOT_FOUND'],
      MONITOR: ['OK', 'OK', 'NOT_FOUND'],
      PARTNER: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
    },
    subjectByNumber: {
      ADMIN: ['OK', 'OK', 'OK'],
      INVESTIGATOR: ['OK', 'NOT_FOUND', 'NOT_FOUND'],
      COORDINATOR: ['OK', 'NOT_FOUND', 'NOT_FOUND'],
      MONITOR: ['OK', 'OK', 'NOT_FOUND'],
      PARTNER: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
    },
    updateSubject: {
      ADMIN: ['OK', 'OK', 'OK'],
      INVESTIGATOR: ['OK', 'NOT_FOUND', 'NOT_FOUND'],
      COORDINATOR: ['OK', 'NOT_FOUND', 'NOT_FOUND'],
      MONITOR: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
      PARTNER: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
    },
    createSubject: {
      ADMIN: ['OK', 'OK', 'OK'],
      INVESTIGATOR: ['OK', 'FORBIDDEN', 'NOT_FOUND'],
      COORDINATOR: ['OK', 'FORBIDDEN', 'NOT_FOUND'],
      MONITOR: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
      PARTNER: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
    },
    recordVitalSign: {
      ADMIN: ['OK', 'OK', 'OK'],
      INVESTIGATOR: ['OK', 'NOT_FOUND', 'NOT_FOUND'],
      COORDINATOR: ['OK', 'NOT_FOUND', 'NOT_FOUND'],
      MONITOR: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
      PARTNER: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
    },
    'Subject.vitals': {
      ADMIN: ['OK', 'OK', 'OK'],
      INVESTIGATOR: ['OK', 'NOT_FOUND', 'NOT_FOUND'],
      COORDINATOR: ['OK', 'NOT_FOUND', 'NOT_FOUND'],
      MONITOR: ['OK', 'OK', 'NOT_FOUND'],
      PARTNER: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
    },
    auditTrail: {
      ADMIN: ['OK', 'OK', 'OK'],
      INVESTIGATOR: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
      COORDINATOR: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
      MONITOR: ['OK', 'OK', 'NOT_FOUND'],
      PARTNER: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
    },
  };

  let minute = 0;
  type Send = (role: Role, query: string, variables?: Record<string, unknown>) => Promise<GraphqlResponse>;
  const operations: Record<string, (role: Role, target: Target, send: Send) => Promise<Outcome | string>> = {
    'subject(id)': async (role, target, send) =>
      outcomeOf(await send(role, `query($id: ID!) { subject(id: $id) { id subjectNumber } }`, { id: world.subjects[target].id }), 'subject'),
    subjectByNumber: async (role, target, send) => {
      const subject = world.subjects[target];
      return outcomeOf(
        await send(role, `query($s: ID!, $n: String!) { subjectByNumber(studyId: $s, subjectNumber: $n) { id } }`, { s: subject.studyId, n: subject.subjectNumber }),
        'subjectByNumber',
      );
    },
    updateSubject: async (role, target, send) => {
      const subject = world.subjects[target];
      const current = await as('ADMIN', `query($id: ID!) { subject(id: $id) { version age } }`, { id: subject.id });
      const { version, age } = current.data?.subject;
      return outcomeOf(
        await send(role, `mutation($id: ID!, $v: Int!, $age: Int!) { updateSubject(id: $id, input: { age: $age }, expectedVersion: $v, reason: "matrix") { id } }`, {
          id: subject.id,
          v: version,
          age: age + 1,
        }),
        'updateSubject',
      );
    },
    createSubject: async (role, target, send) => {
      const subject = world.subjects[target];
      return outcomeOf(
        await send(role, `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id } }`, {
          input: { studyId: subject.studyId, siteId: subject.siteId, age: 30, sex: 'MALE' },
        }),
        'createSubject',
      );
    },
    recordVitalSign: async (role, target, send) =>
      outcomeOf(
        await send(role, `mutation($input: RecordVitalSignInput!) { recordVitalSign(input: $input) { id } }`, {
          input: { subjectId: world.subjects[target].id, recordedAt: new Date(Date.UTC(2026, 0, 1, 8, minute++)).toISOString(), heartRate: 70 },
        }),
        'recordVitalSign',
      ),
    'Subject.vitals': async (role, target, send) =>
      outcomeOf(
        await send(role, `query($id: ID!) { subject(id: $id) { id vitals(first: 5) { totalCount } latestVitalSign { heartRate } } }`, {
          id: world.subjects[target].id,
        }),
        'subject',
      ),
    auditTrail: async (role, target, send) =>
      outcomeOf(await send(role, `query($id: ID!) { auditTrail(entityId: $id) { totalCount } }`, { id: world.subjects[target].id }), 'auditTrail'),
  };

  /** The subgraph that owns each operation, asked directly around the gateway; null for one that needs both. */
  const OWNER: Record<string, 'subjects' | 'vitals' | null> = {
    'subject(id)': 'subjects',
    subjectByNumber: 'subjects',
    updateSubject: 'subjects',
    createSubject: 'subjects',
    recordVitalSign: 'vitals',
    'Subject.vitals': null,
    auditTrail: 'subjects',
  };

  for (const [operation, byRole] of Object.entries(expectations)) {
    for (const route of ['through the gateway', 'at its subgraph directly'] as const) {
      const owner = OWNER[operation];
      if (route !== 'through the gateway' && !owner) continue;
      it(`${operation} ${route}: each role gets exactly what it may, for its own site, another site and another study`, async () => {
        const url = route === 'through the gateway' ? gateway.url : `${(owner === 'vitals' ? vitals : subjects).url}graphql`;
        const send: Send = (role, query, variables = {}) => as(role, query, variables, url);
        const actual: Record<string, Array<Outcome | string>> = {};
        for (const role of ROLES) {
          actual[role] = [];
          for (const target of TARGETS) actual[role]!.push(await operations[operation]!(role, target, send));
        }
        expect(actual).toEqual(byRole);
      });
    }
  }

  it('lists only the subjects of the caller’s sites, and counts only them', async () => {
    const page = async (role: Role, studyId: string) =>
      as(role, `query($s: ID!) { subjects(studyId: $s, first: 100) { totalCount edges { node { site { code } } } } }`, { s: studyId });
    const [admin, coordinator, monitor, partner, otherStudy] = await Promise.all([
      page('ADMIN', world.studyA.id),
      page('COORDINATOR', world.studyA.id),
      page('MONITOR', world.studyA.id),
      page('PARTNER', world.studyA.id),
      page('COORDINATOR', world.studyB.id),
    ]);
    const sitesOf = (response: GraphqlResponse<any>) => [...new Set(response.data?.subjects.edges.map((edge: any) => edge.node.site.code))].sort();
    expect(sitesOf(admin)).toEqual(['A1', 'A2']);
    expect(sitesOf(coordinator)).toEqual(['A1']);
    expect(coordinator.data?.subjects.totalCount).toBe(coordinator.data?.subjects.edges.length);
    expect(coordinator.data?.subjects.totalCount).toBeLessThan(admin.data?.subjects.totalCount);
    expect(sitesOf(monitor)).toEqual(['A1', 'A2']);
    expect(errorCodes(partner)).toEqual(['FORBIDDEN']);
    expect(errorCodes(otherStudy)).toEqual(['NOT_FOUND']);
  });

  it('shows each user only the studies they act in, and only ADMIN creates studies', async () => {
    const codes = async (role: Role) => (await as(role, `{ studies { code } }`)).data?.studies.map((study: any) => study.code);
    expect(await codes('ADMIN')).toEqual(['ACL-A', 'ACL-B']);
    expect(await codes('COORDINATOR')).toEqual(['ACL-A']);
    expect(await codes('PARTNER')).toEqual(['ACL-A']);
    for (const role of ['INVESTIGATOR', 'COORDINATOR', 'MONITOR', 'PARTNER'] as const) {
      const response = await as(role, `mutation { createStudy(input: { code: "NOPE", name: "No", sites: [{ code: "X", name: "X" }] }) { id } }`);
      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    }
    expect(await codes('ADMIN')).toEqual(['ACL-A', 'ACL-B']);
  });

  it('withholds personal data from a partner as a FORBIDDEN field, without failing the rest of the answer', async () => {
    const subject = world.subjects['own site'];
    const query = `query($s: ID!, $n: [String!]!) { subjectsByNumbers(studyId: $s, subjectNumbers: $n) { subjectNumber name } }`;
    const partner = await as('PARTNER', query, { s: subject.studyId, n: [subject.subjectNumber] });
    expect(partner.data?.subjectsByNumbers).toEqual([{ subjectNumber: subject.subjectNumber, name: null }]);
    expect(partner.errors?.map((error) => [error.extensions?.code, error.path?.join('.')])).toEqual([['FORBIDDEN', 'subjectsByNumbers.0.name']]);
    const monitor = await as('MONITOR', query, { s: subject.studyId, n: [subject.subjectNumber] });
    expect(monitor.errors).toBeUndefined();
    expect(monitor.data?.subjectsByNumbers[0].name).toBe('Ada Own');
  });

  it('lets coordinators and partners import for their study only; a coordinator’s rows for another site are UNKNOWN_SUBJECT', async () => {
    const own = world.subjects['own site'];
    const other = world.subjects['other site'];
    const csv = `patient_id,record_time,heart_rate\n${own.subjectNumber},2026-02-01T08:00:00Z,71\n${other.subjectNumber},2026-02-01T08:00:00Z,72\n`;
    const upload = (role: Role, studyId: string) =>
      importVitalsFile({ url: gateway.url, studyId, file: toStream(csv), fileName: 'acl.csv', importOptions: { dryRun: true }, token: tokenFor(role) });
    const coordinator = await upload('COORDINATOR', world.studyA.id);
    expect(coordinator.errors).toBeUndefined();
    expect(coordinator.data?.importVitals).toMatchObject({ status: 'SUCCEEDED', rowsAccepted: 1, rowsRejected: 1 });
    expect(coordinator.data?.importVitals.errors).toEqual([expect.objectContaining({ line: 3, code: 'UNKNOWN_SUBJECT' })]);
    const partner = await upload('PARTNER', world.studyA.id);
    expect(partner.data?.importVitals).toMatchObject({ status: 'SUCCEEDED', rowsAccepted: 2, rowsRejected: 0 });
    expect(errorCodes(await upload('PARTNER', world.studyB.id))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await upload('COORDINATOR', world.studyB.id))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await upload('INVESTIGATOR', world.studyA.id))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await upload('MONITOR', world.studyA.id))).toEqual(['FORBIDDEN']);
    const importId = coordinator.data?.importVitals.id;
    const trail = await as('ADMIN', `query($id: ID!) { vitalsImport(id: $id) { auditTrail { actor action entityId newValue } } }`, { id: importId });
    expect(trail.data?.vitalsImport.auditTrail.map((event: any) => [event.actor, event.action, event.entityId])).toEqual([
      ['coordinator-a1', 'IMPORT_STARTED', importId],
      ['coordinator-a1', 'IMPORT_FINISHED', importId],
    ]);
    expect(JSON.parse(trail.data?.vitalsImport.auditTrail[1].newValue)).toMatchObject({ fileName: 'acl.csv', status: 'SUCCEEDED', rowsRead: 2, rowsAccepted: 1, rowsRejected: 1 });
    const partnerTrail = await as('PARTNER', `query($id: ID!) { vitalsImport(id: $id) { fileName auditTrail { actor } } }`, { id: importId });
    expect(partnerTrail.data?.vitalsImport).toEqual({ fileName: 'acl.csv', auditTrail: null });
    expect(errorCodes(partnerTrail)).toEqual(['FORBIDDEN']);
    const sql = postgres(vitalsDb.url, { max: 1, onnotice: () => {} });
    try {
      await expect(sql`update audit_events set actor = 'someone else'`).rejects.toThrow(/the audit trail is append-only/);
      await expect(sql`delete from audit_events`).rejects.toThrow(/the audit trail is append-only/);
    } finally {
      await sql.end();
    }
    const reports = await as('PARTNER', `query($s: ID!) { vitalsImports(studyId: $s) { fileName rowsRead } }`, { s: world.studyA.id });
    expect(reports.data?.vitalsImports.length).toBeGreaterThanOrEqual(2);
    expect(errorCodes(await as('PARTNER', `query($s: ID!) { vitalsImports(studyId: $s) { id } }`, { s: world.studyB.id }))).toEqual(['NOT_FOUND']);
  });

  describe('the attacker’s list', () => {
    const countSubjects = async () => (await as('ADMIN', `query($s: ID!) { subjects(studyId: $s) { totalCount } }`, { s: world.studyA.id })).data?.subjects.totalCount;
    const CREATE = `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id } }`;
    const createVariables = () => ({ input: { studyId: world.studyA.id, siteId: world.studyA.sites[0]!.id, age: 30, sex: 'MALE' } });
    const secret = new TextEncoder().encode(TEST_JWT_SECRET);
    const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

    const badTokens: Array<[string, () => Promise<string | undefined>]> = [
      ['no token', async () => undefined],
      ['an expired token', () => new SignJWT({ roles: ['ADMIN'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime(Math.floor(Date.now() / 1000) - 3600).sign(secret)],
      ['a token not yet valid', () => new SignJWT({ roles: ['ADMIN'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer(ISSUER).setAudience(AUDIENCE).setNotBefore(Math.floor(Date.now() / 1000) + 3600).setExpirationTime('2h').sign(secret)],
      ['alg none', async () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'x', roles: ['ADMIN'], iss: ISSUER, aud: AUDIENCE })}.`],
      ['HS256 signed with the wrong secret', () => mintToken({ subject: 'x', roles: ['ADMIN'] }, { secret: 'not-the-secret-but-long-enough-to-sign', issuer: ISSUER, audience: AUDIENCE })],
      ['a token from another issuer', () => mintToken({ subject: 'x', roles: ['ADMIN'] }, { secret: TEST_JWT_SECRET, issuer: 'https://evil.test', audience: AUDIENCE })],
      ['a malformed token', async () => 'abc.def'],
    ];

    for (const [label, makeToken] of badTokens) {
      it(`refuses ${label} as UNAUTHENTICATED at the gateway and at each subgraph, and changes nothing`, async () => {
        const token = await makeToken();
        const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
        const before = await countSubjects();
        for (const url of [gateway.url, `${subjects.url}graphql`, `${vitals.url}graphql`]) {
          const read = await graphqlRequest(url, `{ _service { sdl } }`, {}, headers);
          expect(read.status, url).toBe(401);
          expect(errorCodes(read), url).toEqual(['UNAUTHENTICATED']);
          expect(read.data ?? null).toBeNull();
        }
        const write = await graphqlRequest(gateway.url, CREATE, createVariables(), headers);
        expect(errorCodes(write)).toEqual(['UNAUTHENTICATED']);
        const direct = await graphqlRequest(`${subjects.url}graphql`, CREATE, createVariables(), headers);
        expect(errorCodes(direct)).toEqual(['UNAUTHENTICATED']);
        expect(await countSubjects()).toBe(before);
      });
    }

    it('refuses _entities without a token, and resolves another site’s subject to nothing for a coordinator', async () => {
      const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Subject { id subjectNumber name } } }`;
      const representations = [{ __typename: 'Subject', id: world.subjects['other site'].id }, { __typename: 'Subject', id: world.subjects['own site'].id }];
      const anonymous = await graphqlRequest(`${subjects.url}graphql`, query, { r: representations });
      expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
      const coordinator = await as('COORDINATOR', query, { r: representations }, `${subjects.url}graphql`);
      expect(coordinator.data?._entities).toEqual([null, { id: world.subjects['own site'].id, subjectNumber: world.subjects['own site'].subjectNumber, name: 'Ada Own' }]);
    });

    it('asked directly for another site’s subject, the vitals subgraph returns none of its readings', async () => {
      const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Subject { id vitals { totalCount } latestVitalSign { heartRate } } } }`;
      const representations = [{ __typename: 'Subject', id: world.subjects['other site'].id }, { __typename: 'Subject', id: world.subjects['own site'].id }];
      const admin = await as('ADMIN', query, { r: representations }, `${vitals.url}graphql`);
      expect(admin.data?._entities.map((entity: any) => entity.vitals.totalCount > 0)).toEqual([true, true]);
      const coordinator = await as('COORDINATOR', query, { r: representations }, `${vitals.url}graphql`);
      expect(coordinator.data?._entities.map((entity: any) => [entity.vitals.totalCount > 0, entity.latestVitalSign !== null])).toEqual([
        [false, false],
        [true, true],
      ]);
    });

    it('refuses a query 50 levels deep before any subgraph is called', async () => {
      const deep = `{ studies { ${'sites { study { '.repeat(25)}id${' } }'.repeat(25)} } }`;
      const response = await as('ADMIN', deep);
      expect(new Set(errorCodes(response))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
      expect(response.errors?.map((error) => error.message).join(' ')).toMatch(/depth/i);
    });

    it('refuses 1,000 aliases', async () => {
      const aliases = Array.from({ length: 1000 }, (_, index) => `a${index}: studies { id }`).join(' ');
      const response = await as('ADMIN', `{ ${aliases} }`);
      expect(errorCodes(response)).toContain('GRAPHQL_VALIDATION_FAILED');
      expect(response.errors?.[0]?.message).toMatch(/alias|token/i);
    });

    it('refuses a 10 MB query string with 413 and a JSON error', async () => {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('ADMIN')}` },
        body: JSON.stringify({ query: `{ studies { id } } # ${'x'.repeat(10 * 1024 * 1024)}` }),
      });
      expect(response.status).toBe(413);
      const body = (await response.json()) as GraphqlResponse;
      expect(errorCodes({ ...body, status: 413 })).toEqual(['BAD_REQUEST']);
    });

    it('refuses a batched array of 1,000 operations and runs none of them', async () => {
      const before = await countSubjects();
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('ADMIN')}` },
        body: JSON.stringify(Array.from({ length: 1000 }, () => ({ query: CREATE, variables: createVariables() }))),
      });
      expect(response.status).toBe(400);
      expect(await countSubjects()).toBe(before);
    });

    it('refuses a multipart upload without a valid token before reading the file', async () => {
      const response = await importVitalsFile({ url: gateway.url, studyId: world.studyA.id, file: toStream('patient_id,record_time,hr\n'), token: 'nope' });
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    });

    it('keeps CSRF prevention on: a simple cross-site request (text/plain POST, or a GET mutation) is refused', async () => {
      const before = await countSubjects();
      const simple = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', authorization: `Bearer ${tokenFor('ADMIN')}` },
        body: JSON.stringify({ query: CREATE, variables: createVariables() }),
      });
      expect(simple.status).toBe(400);
      const viaGet = await fetch(`${gateway.url}?query=${encodeURIComponent('{ studies { id } }')}`, { headers: { authorization: `Bearer ${tokenFor('ADMIN')}` } });
      expect(viaGet.status).toBe(400);
      expect(await viaGet.text()).toMatch(/CSRF|preflight/i);
      expect(await countSubjects()).toBe(before);
    });

    it('in production, refuses introspection and gives no field suggestions that would map the schema', async () => {
      const introspection = await as('ADMIN', `{ __schema { types { name } } }`);
      expect(errorCodes(introspection)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);
      const typo = await as('ADMIN', `{ studie { id } }`);
      expect(errorCodes(typo)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(typo.errors?.[0]?.message).not.toMatch(/did you mean/i);
    });

    it('keeps tokens and personal data out of every process’s logs', () => {
      const logs = gateway.output() + subjects.output() + vitals.output();
      for (const token of tokens.values()) expect(logs).not.toContain(token);
      expect(logs).not.toContain('Ada Own');
      expect(logs).not.toContain('Bea Other');
    });
  });
});

async function* toStream(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}
