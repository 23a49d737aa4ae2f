import { compileErrors, validate } from '@readme/openapi-parser';
import { adminHeaders, authHeaders, createTestDatabase, graphqlRequest, startApp, type AppProcess, type TestDatabase } from '@trialgraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('REST under /api/v1, generated from the graph and run through the gateway', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let apps: AppProcess[] = [];
  let gateway: AppProcess;
  let studyId: string;
  let siteId: string;
  let coordinator: { authorization: string };

  const call = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) => fetch(new URL(path, gateway.url), init);
  const json = (path: string, method: string, body: unknown, headers: Record<string, string>) =>
    call(path, { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

  beforeAll(async () => {
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_rsubj'), createTestDatabase('tg_rvit')]);
    const subjects = await startApp('subjects', { SUBJECTS_DATABASE_URL: subjectsDb.url });
    const vitals = await startApp('vitals', { VITALS_DATABASE_URL: vitalsDb.url, SUBJECTS_URL: `${subjects.url}graphql` });
    gateway = await startApp('gateway', { SUBJECTS_URL: `${subjects.url}graphql`, VITALS_URL: `${vitals.url}graphql` });
    apps = [gateway, vitals, subjects];
    const study = await graphqlRequest(
      gateway.url,
      `mutation { createStudy(input: { code: "RST01", name: "Rest", sites: [{ code: "S01", name: "North" }] }) { id sites { id } } }`,
      {},
      await adminHeaders(),
    );
    studyId = study.data?.createStudy.id;
    siteId = study.data?.createStudy.sites[0].id;
    coordinator = await authHeaders({ roles: ['COORDINATOR'], studies: [studyId], sites: [siteId] });
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  it('publishes an OpenAPI 3.1 document that validates, with the bearer scheme, errors and every route', async () => {
    const document = await (await call('/api/v1/openapi.json')).json();
    expect(document.openapi).toBe('3.1.0');
    const validation = await validate(structuredClone(document));
    expect(validation.valid ? '' : compileErrors(validation).slice(0, 3000)).toBe('');
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [path, method] of [
      ['/api/v1/subjects', 'post'],
      ['/api/v1/subjects/{id}', 'get'],
      ['/api/v1/subjects/{id}', 'patch'],
      ['/api/v1/studies/{studyId}/subjects', 'get'],
      ['/api/v1/subjects/{id}/vitals', 'get'],
      ['/api/v1/imports/{id}', 'get'],
      ['/api/v1/studies/{studyId}/vitals/imports', 'post'],
      ['/api/v1/studies/{studyId}/vitals.csv', 'get'],
      ['/api/v1/studies/{studyId}/sdtm/vs.csv', 'get'],
    ] as const) {
      expect(document.paths[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
      expect(document.paths[path][method].responses['409']).toBeDefined();
    }
    // Every route is one the README names: none of SOFA's own making from a field's name.
    expect(Object.keys(document.paths as Record<string, unknown>).sort()).toEqual(
      [
        '/api/v1/audit-trail/{entityId}',
        '/api/v1/imports/{id}',
        '/api/v1/studies',
        '/api/v1/studies/{id}',
        '/api/v1/studies/{studyId}/exports/audit-trail',
        '/api/v1/studies/{studyId}/imports',
        '/api/v1/studies/{studyId}/sdtm/vs.csv',
        '/api/v1/studies/{studyId}/subjects',
        '/api/v1/studies/{studyId}/subjects/by-number/{subjectNumber}',
        '/api/v1/studies/{studyId}/vitals.csv',
        '/api/v1/studies/{studyId}/vitals.ndjson',
        '/api/v1/studies/{studyId}/vitals/imports',
        '/api/v1/subjects',
        '/api/v1/subjects/{id}',
        '/api/v1/subjects/{id}/vitals',
        '/api/v1/subjects/{id}/withdraw',
        '/api/v1/subjects/{subjectId}/sdtm/vs.csv',
        '/api/v1/subjects/{subjectId}/vitals.csv',
        '/api/v1/subjects/{subjectId}/vitals.ndjson',
        '/api/v1/vitals',
      ].sort(),
    );
    const page = await call('/api/v1/docs');
    expect(await page.text()).toContain('/api/v1/docs/assets/swagger-ui-bundle.js');
    expect((await call('/api/v1/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
  });

  it('enrols, reads, pages and changes a subject, with 409 on a stale version', async () => {
    const created = await json('/api/v1/subjects', 'POST', { input: { studyId, siteId, age: 51, sex: 'FEMALE' } }, coordinator);
    expect(created.status, await created.clone().text()).toBe(201);
    const subject = await created.json();
    expect(subject.subjectNumber).toMatch(/^RST01-S01-\d+$/);
    const read = await call(`/api/v1/subjects/${subject.id}`, { headers: coordinator });
    expect(read.status).toBe(200);
    expect((await read.json()).version).toBe(subject.version);
    await json('/api/v1/subjects', 'POST', { input: { studyId, siteId, age: 52, sex: 'MALE' } }, coordinator);
    const firstPage = await (await call(`/api/v1/studies/${studyId}/subjects?first=1`, { headers: coordinator })).json();
    expect(firstPage.edges).toHaveLength(1);
    expect(firstPage.pageInfo.hasNextPage).toBe(true);
    const secondPage = await (
      await call(`/api/v1/studies/${studyId}/subjects?first=1&after=${encodeURIComponent(firstPage.pageInfo.endCursor)}`, { headers: coordinator })
    ).json();
    expect(secondPage.edges[0].node.id).not.toBe(firstPage.edges[0].node.id);
    const changed = await json(
      `/api/v1/subjects/${subject.id}`,
      'PATCH',
      { input: { age: 53 }, expectedVersion: subject.version, reason: 'typo' },
      coordinator,
    );
    expect(changed.status).toBe(200);
    const stale = await json(`/api/v1/subjects/${subject.id}`, 'PATCH', { input: { age: 54 }, expectedVersion: subject.version, reason: 'typo' }, coordinator);
    expect(stale.status).toBe(409);
    expect((await stale.json()).errors[0].extensions.code).toBe('CONFLICT');

    const byNumber = await call(`/api/v1/studies/${studyId}/subjects/by-number/${encodeURIComponent(subject.subjectNumber)}`, { headers: coordinator });
    expect(byNumber.status).toBe(200);
    expect((await byNumber.json()).id).toBe(subject.id);
    const trail = await call(`/api/v1/audit-trail/${subject.id}`, { headers: await adminHeaders() });
    expect(trail.status).toBe(200);
    expect((await trail.json()).edges.map((edge: { node: { action: string } }) => edge.node.action)).toEqual(expect.arrayContaining(['CREATE', 'UPDATE']));
  });

  it('creates a study as an administrator (201) and refuses it to a coordinator (403)', async () => {
    const input = { input: { code: 'RST02', name: 'Rest two', sites: [{ code: 'S01', name: 'South' }] } };
    const created = await json('/api/v1/studies', 'POST', input, await adminHeaders());
    expect(created.status, await created.clone().text()).toBe(201);
    expect((await created.json()).code).toBe('RST02');
    const refused = await json('/api/v1/studies', 'POST', { input: { ...input.input, code: 'RST03' } }, coordinator);
    expect(refused.status).toBe(403);
  });

  it('answers each refusal with its status: 401, 403, 404 and 400', async () => {
    const created = await (await json('/api/v1/subjects', 'POST', { input: { studyId, siteId, age: 40, sex: 'MALE' } }, coordinator)).json();
    expect((await call(`/api/v1/subjects/${created.id}`)).status).toBe(401);
    const partner = await call(`/api/v1/subjects/${created.id}`, { headers: await authHeaders({ roles: ['PARTNER'], studies: [studyId] }) });
    expect(partner.status).toBe(403);
    expect((await call('/api/v1/subjects/00000000-0000-4000-8000-000000000000', { headers: coordinator })).status).toBe(404);
    expect((await json('/api/v1/subjects', 'POST', { input: { studyId, siteId, age: 0, sex: 'MALE' } }, coordinator)).status).toBe(400);
  });

  it('answers a body over MAX_REQUEST_BYTES with 413 and a file that is not CSV with 415, each as BAD_USER_INPUT', async () => {
    const tooLarge = await json(
      '/api/v1/subjects',
      'POST',
      { input: { studyId, siteId, age: 40, sex: 'MALE', note: 'x'.repeat(2 * 1024 * 1024) } },
      coordinator,
    );
    expect(tooLarge.status).toBe(413);
    expect((await tooLarge.json()).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'MAX_REQUEST_BYTES' });
    const notCsv = await json(`/api/v1/studies/${studyId}/vitals/imports`, 'POST', { rows: [] }, coordinator);
    expect(notCsv.status).toBe(415);
    expect((await notCsv.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('imports a CSV file sent as the body, reports it, and serves the readings and the report', async () => {
    const subject = await (await json('/api/v1/subjects', 'POST', { input: { studyId, siteId, age: 61, sex: 'FEMALE' } }, coordinator)).json();
    const csv = `patient_id,record_time,heart_rate,blood_pressure\n${subject.subjectNumber},2026-03-01 08:00,72,120/80\n${subject.subjectNumber},2026-03-01 09:00,abc,120/80\n`;
    const imported = await call(`/api/v1/studies/${studyId}/vitals/imports?timezone=Europe/Paris&fileName=ward.csv`, {
      method: 'POST',
      body: csv,
      headers: { 'content-type': 'text/csv', ...coordinator },
    });
    expect(imported.status).toBe(200);
    const report = await imported.json();
    expect(report).toMatchObject({ status: 'SUCCEEDED', fileName: 'ward.csv', rowsRead: 2, rowsAccepted: 1, rowsRejected: 1 });
    expect(report.errors.edges[0].node).toMatchObject({ line: 3, code: 'INVALID_NUMBER' });
    const polled = await (await call(`/api/v1/imports/${report.id}`, { headers: coordinator })).json();
    expect(polled).toMatchObject({ id: report.id, status: 'SUCCEEDED', rowsAccepted: 1 });
    const vitals = await (await call(`/api/v1/subjects/${subject.id}/vitals`, { headers: coordinator })).json();
    expect(vitals.totalCount).toBe(1);
    expect(vitals.edges[0].node).toMatchObject({ recordedAt: '2026-03-01T07:00:00.000Z', heartRate: 72, bloodPressure: '120/80' });
    const monitor = await authHeaders({ roles: ['MONITOR'], studies: [studyId] });
    const refused = await call(`/api/v1/studies/${studyId}/vitals/imports`, { method: 'POST', body: csv, headers: { 'content-type': 'text/csv', ...monitor } });
    expect(refused.status).toBe(403);
  });

  it('with Prefer: respond-async, answers 202 and a Location to poll once the file is received, with the same outcome', async () => {
    const enrol = async () =>
      (await (await json('/api/v1/subjects', 'POST', { input: { studyId, siteId, age: 44, sex: 'MALE' } }, coordinator)).json()).subjectNumber;
    const csvOf = (subjectNumber: string) =>
      `patient_id,record_time,heart_rate,blood_pressure\n${subjectNumber},2026-04-01 08:00,72,120/80\n${subjectNumber},2026-04-01 09:00,abc,120/80\n${subjectNumber},2026-04-01 10:00,75,121/79\n`;
    const send = (body: string, headers: Record<string, string>) =>
      call(`/api/v1/studies/${studyId}/vitals/imports?fileName=async.csv`, { method: 'POST', body, headers: { 'content-type': 'text/csv', ...headers } });
    const pollUntilEnded = async (location: string, headers: Record<string, string>) => {
      for (let attempt = 0; attempt < 600; attempt++) {
        const polled = await call(location, { headers });
        expect(polled.status).toBe(200);
        const report = await polled.json();
        if (report.status !== 'RUNNING') return report;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`${location} still RUNNING`);
    };

    const synchronous = await (await send(csvOf(await enrol()), coordinator)).json();
    expect(synchronous).toMatchObject({ status: 'SUCCEEDED', rowsRead: 3, rowsAccepted: 2, rowsRejected: 1 });
    const accepted = await send(csvOf(await enrol()), { ...coordinator, prefer: 'respond-async' });
    expect(accepted.status, await accepted.clone().text()).toBe(202);
    expect(accepted.headers.get('preference-applied')).toBe('respond-async');
    const { id } = await accepted.json();
    expect(accepted.headers.get('location')).toBe(`/api/v1/imports/${id}`);
    const report = await pollUntilEnded(accepted.headers.get('location')!, coordinator);
    const counts = ({ status, rowsRead, rowsAccepted, rowsRejected, rowsDuplicate }: Record<string, unknown>) => ({
      status,
      rowsRead,
      rowsAccepted,
      rowsRejected,
      rowsDuplicate,
    });
    expect(counts(report)).toEqual(counts(synchronous));
    expect(report).toMatchObject({ id, fileName: 'async.csv' });

    // A larger file: the 202 comes once it is received, while vitals is still storing it.
    const subjectNumber = await enrol();
    const start = Date.parse('2026-05-01T00:00:00Z');
    const rows = Array.from(
      { length: 100_000 },
      (_, index) => `${subjectNumber},${new Date(start + index * 60_000).toISOString()},${60 + (index % 40)},120/80`,
    );
    const large = await send(`patient_id,record_time,heart_rate,blood_pressure\n${rows.join('\n')}\n`, { ...coordinator, prefer: 'respond-async' });
    expect(large.status).toBe(202);
    const whileStoring = await (await call(large.headers.get('location')!, { headers: coordinator })).json();
    expect(whileStoring.status).toBe('RUNNING');
    expect(await pollUntilEnded(large.headers.get('location')!, coordinator)).toMatchObject({ status: 'SUCCEEDED', rowsAccepted: 100_000 });

    // A partner may import, and reads its own report; a monitor is refused before anything is recorded, as without the preference.
    const partner = await authHeaders({ roles: ['PARTNER'], studies: [studyId], sites: [siteId] });
    const fromPartner = await send(csvOf(await enrol()), { ...partner, prefer: 'respond-async' });
    expect(fromPartner.status).toBe(202);
    expect((await pollUntilEnded(fromPartner.headers.get('location')!, partner)).status).toBe('SUCCEEDED');
    const monitor = await authHeaders({ roles: ['MONITOR'], studies: [studyId] });
    const refused = await send(csvOf(await enrol()), { ...monitor, prefer: 'respond-async' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('location')).toBeNull();
    expect((await send('x', { prefer: 'respond-async' })).status).toBe(401);

    // A bad file is accepted like any other, and the poll says what is wrong with it, as the synchronous answer does.
    const badFile = 'patient,when,pulse\nX,2026-04-01 08:00,70\n';
    const badSynchronous = await (await send(badFile, coordinator)).json();
    expect(badSynchronous.status).toBe('FAILED');
    const badAccepted = await send(badFile, { ...coordinator, prefer: 'respond-async' });
    expect(badAccepted.status).toBe(202);
    const badReport = await pollUntilEnded(badAccepted.headers.get('location')!, coordinator);
    expect({ status: badReport.status, failureReason: badReport.failureReason }).toEqual({ status: 'FAILED', failureReason: badSynchronous.failureReason });
    expect(badReport.failureReason).toMatch(/^[A-Z_]+: /);
  });
});
