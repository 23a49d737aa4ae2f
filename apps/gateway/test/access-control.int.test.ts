import { mintToken, type Role, type TokenClaims } from '@trialgraph/auth';
import {
  createTestDatabase,
  errorCodes,
  graphqlRequest,
  startApp,
  TEST_JWT_AUDIENCE,
  TEST_JWT_ISSUER,
  TEST_JWT_SECRET,
  type AppProcess,
  type GraphqlResponse,
  type TestDatabase,
  waitFor,
} from '@trialgraph/testing';
import { importVitalsFile } from '@trialgraph/upload-client';
import { SignJWT } from 'jose';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATRIX_CALLERS, TARGETS, type MatrixCaller, type Target } from './support/access-oracle.js';
import { MATRIX_OPERATIONS, type MatrixSubject, type MatrixWorld, type Route } from './support/access-operations.js';

const ISSUER = TEST_JWT_ISSUER;
const AUDIENCE = TEST_JWT_AUDIENCE;

interface World {
  studyA: { id: string; sites: Array<{ id: string; code: string }> };
  studyB: { id: string; sites: Array<{ id: string; code: string }> };
  subjects: Record<Target, MatrixSubject>;
}

/** Several callers run side by side, as many users do; a bounded number so a busy machine copes. */
async function eachLimited<Item>(items: readonly Item[], limit: number, run: (item: Item) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

describe('access control through the gateway and at each subgraph (real processes, real PostgreSQL)', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let subjects: AppProcess;
  let vitals: AppProcess;
  let gateway: AppProcess;
  let world: World;
  let matrixWorld: MatrixWorld;
  /** One token per single role (site-scoped roles at A1 of study A, the others over study A), and one per matrix caller. */
  const tokens = new Map<string, string>();
  const tokenFor = (role: string) => tokens.get(role)!;
  const sign = (claims: TokenClaims) => mintToken(claims, { secret: TEST_JWT_SECRET, issuer: ISSUER, audience: AUDIENCE });
  const as = (role: string, query: string, variables: Record<string, unknown> = {}, url = gateway.url) =>
    graphqlRequest(url, query, variables, { authorization: `Bearer ${tokenFor(role)}` });
  const claimsOf = (caller: MatrixCaller): TokenClaims =>
    caller.roles.includes('ADMIN') && caller.roles.length === 1
      ? { subject: `matrix-${caller.name}`, roles: caller.roles }
      : { subject: `matrix-${caller.name}`, roles: caller.roles, studies: [world.studyA.id], sites: caller.listsSites ? [world.studyA.sites[0]!.id] : [] };

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
    const siteOf: Record<Target, { studyId: string; siteId: string }> = {
      'own site': { studyId: studyA.id, siteId: studyA.sites[0].id },
      'other site': { studyId: studyA.id, siteId: studyA.sites[1].id },
      'other study': { studyId: studyB.id, siteId: studyB.sites[0].id },
    };
    /** Subjects at each target's site, one request per target (aliases), as ADMIN. */
    const enrol = async (target: Target, names: Array<string | null>): Promise<MatrixSubject[]> => {
      const { studyId, siteId } = siteOf[target];
      const fields = names.map(
        (name, index) =>
          `s${index}: createSubject(input: { studyId: "${studyId}", siteId: "${siteId}", name: ${JSON.stringify(name)}, age: 50, sex: FEMALE }) { id subjectNumber }`,
      );
      const response = await as('ADMIN', `mutation { ${fields.join(' ')} }`);
      if (!response.data) throw new Error(`enrolment failed: ${JSON.stringify(response.errors)}`);
      return names.map((_name, index) => ({ ...(response.data![`s${index}`] as { id: string; subjectNumber: string }), studyId, siteId }));
    };
    const [[own], [other], [elsewhere]] = await Promise.all([
      enrol('own site', ['Ada Own']),
      enrol('other site', ['Bea Other']),
      enrol('other study', ['Cy Elsewhere']),
    ]);
    world = { studyA, studyB, subjects: { 'own site': own!, 'other site': other!, 'other study': elsewhere! } };

    // Per caller, subjects of its own to update (in batches within the gateway's alias limit).
    const perTarget = await Promise.all(
      TARGETS.map(async (target) => {
        const made: MatrixSubject[] = [];
        for (let start = 0; start < MATRIX_CALLERS.length; start += 25) {
          made.push(
            ...(await enrol(
              target,
              MATRIX_CALLERS.slice(start, start + 25).map((caller) => `Updated by ${caller.name}`),
            )),
          );
        }
        return made;
      }),
    );
    const updateTargets = new Map(
      MATRIX_CALLERS.map((caller, index) => [
        caller.name,
        Object.fromEntries(TARGETS.map((target, t) => [target, perTarget[t]![index]!])) as Record<Target, MatrixSubject>,
      ]),
    );
    // A reading per subject, and an import report with row errors sent from each target's site.
    await Promise.all(
      TARGETS.map((target, index) =>
        as('ADMIN', `mutation($input: RecordVitalSignInput!) { recordVitalSign(input: $input) { id } }`, {
          input: { subjectId: world.subjects[target].id, recordedAt: new Date(Date.UTC(2025, 5, 1, 8, index)).toISOString(), heartRate: 60 + index },
        }),
      ),
    );
    const reports = {} as Record<Target, string>;
    for (const target of TARGETS) {
      const { studyId, siteId } = siteOf[target];
      const sender = await sign({ subject: `sender-${target.replace(' ', '-')}`, roles: ['COORDINATOR'], studies: [studyId], sites: [siteId] });
      const csv = `patient_id,record_time,heart_rate\n${world.subjects[target].subjectNumber},2025-06-02T08:00:00Z,71\n${world.subjects[target].subjectNumber},2025-06-02T09:00:00Z,abc\n`;
      const sent = await importVitalsFile({ url: gateway.url, studyId, file: toStream(csv), fileName: `${target}.csv`, token: sender });
      if (!sent.data?.importVitals.id) throw new Error(`the ${target} report was not made: ${JSON.stringify(sent.errors)}`);
      reports[target] = sent.data.importVitals.id;
    }
    matrixWorld = {
      studies: Object.fromEntries(TARGETS.map((target) => [target, { id: siteOf[target].studyId, siteId: siteOf[target].siteId }])) as MatrixWorld['studies'],
      subjects: world.subjects,
      updateTargets,
      reports,
      adminToken: tokenFor('ADMIN'),
    };
    for (const caller of MATRIX_CALLERS) tokens.set(caller.name, await sign(claimsOf(caller)));
    // The single-role callers of the hand-written tests below hold the same claims under another name.
    for (const role of ['INVESTIGATOR', 'COORDINATOR', 'MONITOR', 'PARTNER'] as const) {
      const caller = MATRIX_CALLERS.find((candidate) => candidate.name === role)!;
      tokens.set(role, await sign({ ...claimsOf(caller), subject: `${role.toLowerCase()}-a${caller.listsSites ? '1' : ''}` }));
    }
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), vitals?.stop(), subjects?.stop()]);
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  describe('the matrix generated from ACCESS_POLICY: every role and pair of roles × every operation × own site, other site, other study', () => {
    let unique = 0;
    for (const operation of MATRIX_OPERATIONS) {
      for (const route of operation.routes ?? (['gateway', 'subgraph'] as const satisfies readonly Route[])) {
        const where = route === 'gateway' ? 'through the gateway' : `at the ${operation.owner} subgraph directly`;
        it(`${operation.name}, ${where}`, async () => {
          const url = route === 'gateway' ? gateway.url : `${(operation.owner === 'vitals' ? vitals : subjects).url}graphql`;
          const targets = operation.targets ?? TARGETS;
          const expected: Record<string, string> = {};
          const actual: Record<string, string> = {};
          await eachLimited(MATRIX_CALLERS, 8, async (caller) => {
            for (const target of targets) {
              const key = `${caller.name} → ${target}`;
              expected[key] = operation.expected(caller, target, route);
              actual[key] = await operation.run({ route, caller, token: tokenFor(caller.name), url, world: matrixWorld, unique: ++unique }, target);
            }
          });
          expect(actual).toEqual(expected);
        });
      }
    }
  });

  describe('the leaks reported in issue 11', () => {
    const s01 = () => world.studyA.sites[0]!.id;
    const signAt = (roles: Role[]) => sign({ subject: `issue-${roles.join('-')}`, roles, studies: [world.studyA.id], sites: [s01()] });

    it('a partner reads subject id, number and site only through subjectsByNumbers, not age, sex, status or createdAt', async () => {
      const subject = world.subjects['other site'];
      const ask = (fields: string) =>
        as('PARTNER', `query($s: ID!, $n: [String!]!) { subjectsByNumbers(studyId: $s, subjectNumbers: $n) { ${fields} } }`, {
          s: subject.studyId,
          n: [subject.subjectNumber],
        });
      const allowed = await ask('id subjectNumber site { id code }');
      expect(allowed.errors).toBeUndefined();
      expect(allowed.data?.subjectsByNumbers).toEqual([{ id: subject.id, subjectNumber: subject.subjectNumber, site: { id: subject.siteId, code: 'A2' } }]);
      for (const field of ['age', 'sex', 'status', 'createdAt', 'name', 'study { id }']) {
        const refused = await ask(`subjectNumber ${field}`);
        expect(errorCodes(refused), field).toContain('FORBIDDEN');
        expect(JSON.stringify(refused.data ?? null), field).not.toMatch(/"(age|sex|status|createdAt|name|study)":[^n]/);
      }
    });

    it('[INVESTIGATOR, PARTNER] at S01 lists and looks up S01 subjects only, names included', async () => {
      const headers = { authorization: `Bearer ${await signAt(['INVESTIGATOR', 'PARTNER'])}` };
      const list = await graphqlRequest(
        gateway.url,
        `query($s: ID!) { subjects(studyId: $s, first: 500) { totalCount edges { node { name site { code } } } } }`,
        { s: world.studyA.id },
        headers,
      );
      expect(list.errors).toBeUndefined();
      expect(new Set(list.data?.subjects.edges.map((edge: any) => edge.node.site.code))).toEqual(new Set(['A1']));
      expect(JSON.stringify(list.data)).not.toContain('Bea Other');
      const numbers = [world.subjects['own site'].subjectNumber, world.subjects['other site'].subjectNumber];
      const lookup = await graphqlRequest(
        gateway.url,
        `query($s: ID!, $n: [String!]!) { subjectsByNumbers(studyId: $s, subjectNumbers: $n) { subjectNumber name } }`,
        { s: world.studyA.id, n: numbers },
        headers,
      );
      expect(lookup.data?.subjectsByNumbers).toEqual([{ subjectNumber: numbers[0], name: 'Ada Own' }]);
    });

    it.each([[['COORDINATOR', 'MONITOR']], [['COORDINATOR', 'PARTNER']], [['INVESTIGATOR', 'PARTNER']]] as Array<[Role[]]>)(
      '%j at S01 may neither record nor import a vital sign of an S02 subject',
      async (roles) => {
        const token = await signAt(roles);
        const other = world.subjects['other site'];
        const before = await as('ADMIN', `query($id: ID!) { subject(id: $id) { vitals { totalCount } } }`, { id: other.id });
        const recorded = await graphqlRequest(
          gateway.url,
          `mutation($input: RecordVitalSignInput!) { recordVitalSign(input: $input) { id } }`,
          { input: { subjectId: other.id, recordedAt: '2026-03-01T08:00:00Z', heartRate: 80 } },
          { authorization: `Bearer ${token}` },
        );
        // With MONITOR the subject is readable but not writable; without, it reads as not there.
        expect(errorCodes(recorded)).toEqual([roles.includes('MONITOR') ? 'FORBIDDEN' : 'NOT_FOUND']);
        const imported = await importVitalsFile({
          url: gateway.url,
          studyId: world.studyA.id,
          file: toStream(`patient_id,record_time,heart_rate\n${other.subjectNumber},2026-03-01T09:00:00Z,81\n`),
          fileName: 's02.csv',
          token,
        });
        if (roles.includes('COORDINATOR') || roles.includes('PARTNER')) {
          expect(imported.data?.importVitals).toMatchObject({
            rowsAccepted: 0,
            rowsRejected: 1,
            errors: [expect.objectContaining({ code: 'UNKNOWN_SUBJECT' })],
          });
        }
        const after = await as('ADMIN', `query($id: ID!) { subject(id: $id) { vitals { totalCount } } }`, { id: other.id });
        expect(after.data?.subject.vitals.totalCount).toBe(before.data?.subject.vitals.totalCount);
      },
    );

    it('an S01 investigator cannot read an S02 coordinator’s import report, and a partner reads only the reports it sent', async () => {
      const s02Report = matrixWorld.reports['other site'];
      const read = (who: string, id: string) =>
        as(who, `query($id: ID!) { vitalsImport(id: $id) { fileName errors { edges { node { line value } } } } }`, { id });
      expect((await read('INVESTIGATOR', s02Report)).data?.vitalsImport).toBeNull();
      const partnerUpload = await importVitalsFile({
        url: gateway.url,
        studyId: world.studyA.id,
        file: toStream(`patient_id,record_time,heart_rate\nNOBODY,2026-03-02T08:00:00Z,70\n`),
        fileName: 'partner-one.csv',
        token: tokenFor('PARTNER'),
      });
      const partnerReport = partnerUpload.data!.importVitals.id;
      const secondPartner = await sign({ subject: 'partner-two', roles: ['PARTNER'], studies: [world.studyA.id] });
      const other = await graphqlRequest(
        gateway.url,
        `query($id: ID!) { vitalsImport(id: $id) { fileName } }`,
        { id: partnerReport },
        { authorization: `Bearer ${secondPartner}` },
      );
      expect(other.data?.vitalsImport).toBeNull();
      const list = await graphqlRequest(
        gateway.url,
        `query($s: ID!) { vitalsImports(studyId: $s, first: 100) { edges { node { fileName } } } }`,
        { s: world.studyA.id },
        { authorization: `Bearer ${secondPartner}` },
      );
      expect(list.data?.vitalsImports.edges).toEqual([]);
      expect((await read('PARTNER', partnerReport)).data?.vitalsImport).toMatchObject({
        fileName: 'partner-one.csv',
        errors: { edges: [{ node: expect.objectContaining({ line: 2 }) }] },
      });
      expect((await read('MONITOR', s02Report)).data?.vitalsImport?.errors.edges.length).toBeGreaterThan(0);
    });

    it('a site id of another study reads NOT_FOUND exactly like an id that does not exist', async () => {
      const ask = (siteId: string) =>
        as('ADMIN', `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id } }`, {
          input: { studyId: world.studyA.id, siteId, age: 30, sex: 'MALE' },
        });
      const elsewhere = world.studyB.sites[0]!.id;
      const missing = '00000000-0000-4000-8000-000000000000';
      const [otherStudy, unknown] = await Promise.all([ask(elsewhere), ask(missing)]);
      expect(errorCodes(otherStudy)).toEqual(['NOT_FOUND']);
      expect(otherStudy.errors?.[0]?.message.replace(elsewhere, '<id>')).toBe(unknown.errors?.[0]?.message.replace(missing, '<id>'));
      const listed = await as('ADMIN', `query($s: ID!, $site: ID) { subjects(studyId: $s, siteId: $site) { totalCount } }`, {
        s: world.studyA.id,
        site: elsewhere,
      });
      expect(errorCodes(listed)).toEqual(['NOT_FOUND']);
      expect(listed.errors?.[0]?.message).not.toMatch(/another study|B1/);
    });
  });

  it('lists only the subjects of the caller’s sites, and counts only them', async () => {
    const page = async (role: Role, studyId: string) =>
      as(role, `query($s: ID!) { subjects(studyId: $s, first: 500) { totalCount edges { node { site { code } } } } }`, { s: studyId });
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

  it('writes who imported which file to the audit trail, which the database refuses to alter', async () => {
    const own = world.subjects['own site'];
    const csv = `patient_id,record_time,heart_rate\n${own.subjectNumber},2026-02-01T08:00:00Z,71\n`;
    const coordinator = await importVitalsFile({
      url: gateway.url,
      studyId: world.studyA.id,
      file: toStream(csv),
      fileName: 'acl.csv',
      importOptions: { dryRun: true },
      token: tokenFor('COORDINATOR'),
    });
    const importId = coordinator.data?.importVitals.id;
    const trail = await as('ADMIN', `query($id: ID!) { vitalsImport(id: $id) { auditTrail { actor action entityId newValue } } }`, { id: importId });
    expect(trail.data?.vitalsImport.auditTrail.map((event: any) => [event.actor, event.action, event.entityId])).toEqual([
      ['coordinator-a1', 'IMPORT_STARTED', importId],
      ['coordinator-a1', 'IMPORT_FINISHED', importId],
    ]);
    expect(JSON.parse(trail.data?.vitalsImport.auditTrail[1].newValue)).toMatchObject({
      fileName: 'acl.csv',
      status: 'SUCCEEDED',
      rowsRead: 1,
      rowsAccepted: 1,
    });
    const ownTrail = await as('COORDINATOR', `query($id: ID!) { vitalsImport(id: $id) { fileName auditTrail { actor } } }`, { id: importId });
    expect(ownTrail.data?.vitalsImport).toEqual({ fileName: 'acl.csv', auditTrail: null });
    expect(errorCodes(ownTrail)).toEqual(['FORBIDDEN']);
    // Even the owner (here the superuser) meets the append-only triggers.
    const sql = postgres(vitalsDb.url, { max: 1, onnotice: () => {} });
    try {
      await expect(sql`update audit_events set actor = 'someone else'`).rejects.toThrow(/the audit trail is append-only/);
      await expect(sql`delete from audit_events`).rejects.toThrow(/the audit trail is append-only/);
    } finally {
      await sql.end();
    }
  });

  describe('bad input gets a 400-class code through the gateway, never INTERNAL_SERVER_ERROR', () => {
    const cursor = (kind: string, position: unknown) => Buffer.from(JSON.stringify([kind, position]), 'utf8').toString('base64url');
    const own = () => world.subjects['own site'];

    it.each([
      [
        'a subjects cursor past the integer range',
        `query($s: ID!, $a: String) { subjects(studyId: $s, after: $a) { totalCount } }`,
        () => ({ s: world.studyA.id, a: cursor('subjects', 1e12) }),
      ],
      [
        'a vitals cursor past any date',
        `query($id: ID!, $a: String) { subject(id: $id) { vitals(after: $a) { totalCount } } }`,
        () => ({ id: own().id, a: cursor('vitals', 1e17) }),
      ],
      [
        'a negative audit cursor',
        `query($id: ID!, $a: String) { auditTrail(entityId: $id, after: $a) { totalCount } }`,
        () => ({ id: own().id, a: cursor('audit', -1) }),
      ],
      [
        'a DateTime that is not one',
        `mutation($i: RecordVitalSignInput!) { recordVitalSign(input: $i) { id } }`,
        () => ({ i: { subjectId: own().id, recordedAt: 'yesterday', heartRate: 70 } }),
      ],
      [
        'a DateTime in year 0',
        `mutation($i: RecordVitalSignInput!) { recordVitalSign(input: $i) { id } }`,
        () => ({ i: { subjectId: own().id, recordedAt: '0000-01-01T00:00:00Z', heartRate: 70 } }),
      ],
      [
        'a DateTime filter that is not one',
        `query($id: ID!, $f: DateTime) { subject(id: $id) { vitals(from: $f) { totalCount } } }`,
        () => ({ id: own().id, f: '2026-02-30T00:00:00Z' }),
      ],
      [
        'a NUL in a withdrawal reason',
        `mutation($id: ID!, $r: String!) { withdrawSubject(id: $id, reason: $r) { id } }`,
        () => ({ id: own().id, r: 'moved\u0000away' }),
      ],
      [
        'an escape code in a study name',
        `mutation($i: CreateStudyInput!) { createStudy(input: $i) { id } }`,
        () => ({ i: { code: 'ESC1', name: 'Evil \u001b[2J', sites: [{ code: 'S1', name: 'x' }] } }),
      ],
    ] as Array<[string, string, () => Record<string, unknown>]>)('%s', async (_label, query, variables) => {
      const response = await as('ADMIN', query, variables());
      expect(response.status).toBeLessThan(500);
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    });
  });

  it('logs each refused mutation with who, which operation and the code, and none of the values sent', async () => {
    await graphqlRequest(
      gateway.url,
      `mutation EnrolElsewhere($input: CreateSubjectInput!) { createSubject(input: $input) { id } }`,
      { input: { studyId: world.studyA.id, siteId: world.studyA.sites[1]!.id, name: 'Quentin Refused', age: 33, sex: 'MALE' } },
      { authorization: `Bearer ${tokenFor('COORDINATOR')}` },
    );
    const line = await waitFor('the refusal in the subjects log', async () =>
      subjects
        .output()
        .split('\n')
        .find((entry) => entry.includes('"mutation refused"') && entry.includes('EnrolElsewhere')),
    );
    // The gateway names its fetch after the client's operation (EnrolElsewhere__subjects__0).
    expect(JSON.parse(line)).toMatchObject({
      actor: 'coordinator-a1',
      operation: expect.stringMatching(/^EnrolElsewhere/),
      field: 'createSubject',
      code: 'FORBIDDEN',
    });
    expect(line).not.toContain('Quentin Refused');
    expect(line).not.toContain(world.studyA.sites[1]!.id);
  });

  describe('the attacker’s list', () => {
    const countSubjects = async () =>
      (await as('ADMIN', `query($s: ID!) { subjects(studyId: $s) { totalCount } }`, { s: world.studyA.id })).data?.subjects.totalCount;
    const CREATE = `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id } }`;
    const createVariables = () => ({ input: { studyId: world.studyA.id, siteId: world.studyA.sites[0]!.id, age: 30, sex: 'MALE' } });
    const secret = new TextEncoder().encode(TEST_JWT_SECRET);
    const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

    const badTokens: Array<[string, () => Promise<string | undefined>]> = [
      ['no token', async () => undefined],
      [
        'an expired token',
        () =>
          new SignJWT({ roles: ['ADMIN'] })
            .setProtectedHeader({ alg: 'HS256' })
            .setSubject('x')
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
            .sign(secret),
      ],
      [
        'a token not yet valid',
        () =>
          new SignJWT({ roles: ['ADMIN'] })
            .setProtectedHeader({ alg: 'HS256' })
            .setSubject('x')
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setNotBefore(Math.floor(Date.now() / 1000) + 3600)
            .setExpirationTime('2h')
            .sign(secret),
      ],
      ['alg none', async () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'x', roles: ['ADMIN'], iss: ISSUER, aud: AUDIENCE })}.`],
      [
        'HS256 signed with the wrong secret',
        () => mintToken({ subject: 'x', roles: ['ADMIN'] }, { secret: 'not-the-secret-but-long-enough-to-sign', issuer: ISSUER, audience: AUDIENCE }),
      ],
      [
        'a token from another issuer',
        () => mintToken({ subject: 'x', roles: ['ADMIN'] }, { secret: TEST_JWT_SECRET, issuer: 'https://evil.test', audience: AUDIENCE }),
      ],
      ['a malformed token', async () => 'abc.def'],
      [
        'a token without exp',
        () =>
          new SignJWT({ roles: ['ADMIN'] })
            .setProtectedHeader({ alg: 'HS256' })
            .setSubject('x')
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setIssuedAt()
            .sign(secret),
      ],
      [
        'a token expiring in year 9999',
        () =>
          new SignJWT({ roles: ['ADMIN'] })
            .setProtectedHeader({ alg: 'HS256' })
            .setSubject('x')
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setIssuedAt()
            .setExpirationTime(Date.UTC(9999, 0, 1) / 1000)
            .sign(secret),
      ],
      [
        'a token issued a year ahead',
        () =>
          new SignJWT({ roles: ['ADMIN'] })
            .setProtectedHeader({ alg: 'HS256' })
            .setSubject('x')
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setIssuedAt(Math.floor(Date.now() / 1000) + 365 * 86_400)
            .setExpirationTime(Math.floor(Date.now() / 1000) + 365 * 86_400 + 3_600)
            .sign(secret),
      ],
      [
        'a token for another audience',
        () => mintToken({ subject: 'x', roles: ['ADMIN'] }, { secret: TEST_JWT_SECRET, issuer: ISSUER, audience: 'another-api' }),
      ],
      ['a token without issuer and audience', () => mintToken({ subject: 'x', roles: ['ADMIN'] }, { secret: TEST_JWT_SECRET })],
      [
        'a token whose studies claim is "*"',
        () => mintToken({ subject: 'x', roles: ['MONITOR'], studies: ['*'] }, { secret: TEST_JWT_SECRET, issuer: ISSUER, audience: AUDIENCE }),
      ],
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
      const representations = [
        { __typename: 'Subject', id: world.subjects['other site'].id },
        { __typename: 'Subject', id: world.subjects['own site'].id },
      ];
      const anonymous = await graphqlRequest(`${subjects.url}graphql`, query, { r: representations });
      expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
      const coordinator = await as('COORDINATOR', query, { r: representations }, `${subjects.url}graphql`);
      expect(coordinator.data?._entities).toEqual([
        null,
        { id: world.subjects['own site'].id, subjectNumber: world.subjects['own site'].subjectNumber, name: 'Ada Own' },
      ]);
    });

    it('asked directly for another site’s subject, the vitals subgraph returns none of its readings', async () => {
      const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Subject { id vitals { totalCount } latestVitalSign { heartRate } } } }`;
      const representations = [
        { __typename: 'Subject', id: world.subjects['other site'].id },
        { __typename: 'Subject', id: world.subjects['own site'].id },
      ];
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
      // So long a document is over MAX_QUERY_TOKENS, which the parser enforces before any alias count.
      expect(errorCodes(response)).toEqual(['GRAPHQL_PARSE_FAILED']);
      expect(response.errors?.[0]?.message).toMatch(/MAX_QUERY_TOKENS/);
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
      const viaGet = await fetch(`${gateway.url}?query=${encodeURIComponent('{ studies { id } }')}`, {
        headers: { authorization: `Bearer ${tokenFor('ADMIN')}` },
      });
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
