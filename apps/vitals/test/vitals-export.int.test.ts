import Validator from '@asymmetrik/fhir-json-schema-validator';
import { spawn } from 'node:child_process';
import {
  adminHeaders,
  appEntry,
  authHeaders,
  createTestDatabase,
  graphqlRequest,
  startAppStack,
  testToken,
  type AppProcess,
  type TestDatabase,
} from '@trialgraph/testing';
import { importVitalsFile } from '@trialgraph/upload-client';
import { parse } from 'csv-parse/sync';
import type { Observation } from 'fhir/r4.js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Runs the built `trialgraph` command; resolves with its exit code and output. */
function trialgraph(args: string[]): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [appEntry('cli'), ...args], { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

async function* text(content: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(content, 'utf8');
}

/** The study is 3 subjects × 3 readings = 9; one export may hold 8, so the whole study is refused and a window is not. */
const MAX_EXPORT_READINGS = 8;

describe('exporting vital signs as CSV, FHIR R4 and SDTM VS through the gateway', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let subjects: AppProcess;
  let vitals: AppProcess;
  let gateway: AppProcess;
  let vitalsSql: postgres.Sql;
  let studyId: string;
  let northId: string;
  let southId: string;
  /** Subject ids and numbers: two at North, one at South. */
  const enrolled: Array<{ id: string; subjectNumber: string; siteId: string }> = [];

  const get = (path: string, headers: Record<string, string> = {}) => fetch(new URL(path, gateway.url), { headers });
  const coordinatorNorth = () => authHeaders({ subject: 'coord-north', roles: ['COORDINATOR'], studies: [studyId], sites: [northId] });

  beforeAll(async () => {
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_xsubj'), createTestDatabase('tg_xvitals')]);
    ({ subjects, vitals, gateway } = await startAppStack({
      subjects: { SUBJECTS_DATABASE_URL: subjectsDb.url },
      vitals: { VITALS_DATABASE_URL: vitalsDb.url, MAX_EXPORT_READINGS: String(MAX_EXPORT_READINGS) },
    }));
    vitalsSql = postgres(vitalsDb.url, { max: 2, onnotice: () => {} });
    const headers = await adminHeaders();
    const study = await graphqlRequest(
      gateway.url,
      `mutation { createStudy(input: { code: "EXP01", name: "Exports", sites: [{ code: "N", name: "North" }, { code: "S", name: "South" }] }) { id sites { id code } } }`,
      {},
      headers,
    );
    studyId = study.data?.createStudy.id;
    const sites = study.data?.createStudy.sites as Array<{ id: string; code: string }>;
    northId = sites.find((site) => site.code === 'N')!.id;
    southId = sites.find((site) => site.code === 'S')!.id;
    for (const siteId of [northId, northId, southId]) {
      const created = await graphqlRequest(
        gateway.url,
        `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id subjectNumber } }`,
        {
          input: { studyId, siteId, age: 40, sex: 'FEMALE' },
        },
        headers,
      );
      enrolled.push({ ...created.data?.createSubject, siteId });
    }
    const rows = enrolled.flatMap(({ subjectNumber }, index) => [
      `${subjectNumber},2026-03-01T08:00:00Z,${70 + index},120/80,36.6,97,16`,
      `${subjectNumber},2026-03-01T09:00:00.250Z,${71 + index},,98.6,,`,
      `${subjectNumber},2026-03-02T08:00:00Z,,118/76,,99,`,
    ]);
    const imported = await importVitalsFile({
      url: gateway.url,
      studyId,
      file: text(['patient_id,record_time,heart_rate,blood_pressure,temperature,spo2,respiratory_rate', ...rows].join('\n')),
      fileName: 'seed.csv',
      token: await testToken({ roles: ['ADMIN'] }),
    });
    expect(imported.data?.importVitals).toMatchObject({ rowsAccepted: 9, rowsRejected: 0 });
  });

  afterAll(async () => {
    await vitalsSql?.end();
    await Promise.all([gateway?.stop(), vitals?.stop(), subjects?.stop()]);
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  it('writes CSV in the import’s own columns, which imports again as all duplicates', async () => {
    const headers = await coordinatorNorth();
    const response = await get(`/api/v1/studies/${studyId}/vitals.csv`, headers);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const csv = await response.text();
    const [header, ...lines] = csv.trimEnd().split('\n');
    expect(header).toBe('patient_id,record_time,heart_rate,systolic,diastolic,temperature,respiratory_rate,spo2');
    // The coordinator of North gets North's two subjects, nothing of South's.
    expect(lines).toHaveLength(6);
    expect(new Set(lines.map((line) => line.split(',')[0]))).toEqual(new Set([enrolled[0]!.subjectNumber, enrolled[1]!.subjectNumber]));
    expect(lines).toContain(`${enrolled[0]!.subjectNumber},2026-03-01T09:00:00.250Z,71,,,37,,`);
    expect(lines).toContain(`${enrolled[0]!.subjectNumber},2026-03-01T08:00:00.000Z,70,120,80,36.6,16,97`);

    const again = await importVitalsFile({
      url: gateway.url,
      studyId,
      file: text(csv),
      fileName: 'export.csv',
      token: headers.authorization.slice('Bearer '.length),
    });
    expect(again.errors).toBeUndefined();
    expect(again.data?.importVitals).toMatchObject({ status: 'SUCCEEDED', rowsRead: 6, rowsAccepted: 0, rowsRejected: 0, rowsDuplicate: 6 });
  });

  it('writes one FHIR R4 vital-signs Observation per measure, valid against the FHIR schema', async () => {
    const response = await get(`/api/v1/subjects/${enrolled[0]!.id}/vitals.ndjson?format=fhir`, await adminHeaders());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/fhir+ndjson');
    const observations = (await response.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Observation);
    // Reading 1: HR, BP, temperature, SpO2, RR; reading 2: HR, temperature; reading 3: BP, SpO2.
    expect(observations).toHaveLength(9);
    const validator = new Validator();
    for (const observation of observations) {
      expect(validator.validate(observation)).toEqual([]);
      expect(observation.status).toBe('final');
      expect(observation.category?.[0]?.coding?.[0]).toMatchObject({
        system: 'http://terminology.hl7.org/CodeSystem/observation-category',
        code: 'vital-signs',
      });
      expect(observation.subject?.identifier?.value).toBe(enrolled[0]!.subjectNumber);
      expect(observation.meta?.profile).toContain('http://hl7.org/fhir/StructureDefinition/vitalsigns');
      expect(observation.effectiveDateTime).toMatch(/^2026-03-0[12]T\d{2}:00:00\.\d{3}Z$/);
    }
    const byCode = (code: string) => observations.filter((observation) => observation.code.coding?.[0]?.code === code);
    expect(byCode('8867-4').map((observation) => observation.valueQuantity)).toEqual([
      { value: 70, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
      { value: 71, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
    ]);
    expect(byCode('8310-5').map((observation) => observation.valueQuantity?.value)).toEqual([36.6, 37]);
    expect(byCode('8310-5')[0]?.valueQuantity?.code).toBe('Cel');
    expect(byCode('9279-1').map((observation) => observation.valueQuantity?.value)).toEqual([16]);
    expect(byCode('59408-5').map((observation) => observation.code.coding?.map((coding) => coding.code))).toEqual([
      ['59408-5', '2708-6'],
      ['59408-5', '2708-6'],
    ]);
    const [panel] = byCode('85354-9');
    expect(panel?.valueQuantity).toBeUndefined();
    expect(panel?.component?.map((component) => [component.code.coding?.[0]?.code, component.valueQuantity?.value, component.valueQuantity?.code])).toEqual([
      ['8480-6', 120, 'mm[Hg]'],
      ['8462-4', 80, 'mm[Hg]'],
    ]);
  });

  it('writes the SDTM VS domain, one row per measure, VSSEQ unique within each subject', async () => {
    const response = await get(`/api/v1/studies/${studyId}/sdtm/vs.csv?from=2026-03-01T00:00:00Z&to=2026-03-01T23:59:59Z`, await adminHeaders());
    expect(response.status).toBe(200);
    const rows: Array<Record<string, string>> = parse(await response.text(), { columns: true });
    // Per subject: reading 1 has HR, SYSBP, DIABP, TEMP, RESP, OXYSAT; reading 2 HR and TEMP; the 2nd of March is outside the window.
    expect(rows).toHaveLength(3 * 8);
    for (const subject of enrolled) {
      const own = rows.filter((row) => row.USUBJID === subject.subjectNumber);
      expect(own.map((row) => Number(row.VSSEQ))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    }
    expect(new Set(rows.map((row) => row.VSTESTCD))).toEqual(new Set(['HR', 'SYSBP', 'DIABP', 'TEMP', 'RESP', 'OXYSAT']));
    expect(rows[0]).toEqual({
      STUDYID: 'EXP01',
      DOMAIN: 'VS',
      USUBJID: rows[0]!.USUBJID,
      VSSEQ: '1',
      VSTESTCD: 'HR',
      VSTEST: 'Heart Rate',
      VSORRES: rows[0]!.VSORRES,
      VSORRESU: 'beats/min',
      VSSTRESC: rows[0]!.VSORRES,
      VSSTRESN: rows[0]!.VSORRES,
      VSSTRESU: 'beats/min',
      VSDTC: '2026-03-01T08:00:00.000Z',
    });
    expect(rows.find((row) => row.VSTESTCD === 'TEMP')).toMatchObject({ VSORRES: '36.6', VSORRESU: 'C' });
  });

  it('records who exported what in the audit trail', async () => {
    const response = await get(
      `/api/v1/subjects/${enrolled[2]!.id}/vitals.csv`,
      await authHeaders({ subject: 'monitor-audited', roles: ['MONITOR'], studies: [studyId] }),
    );
    expect((await response.text()).trimEnd().split('\n')).toHaveLength(4);
    const exportId = response.headers.get('x-export-id');
    const events = await vitalsSql`select action, new_value, reason from audit_events where actor = 'monitor-audited' order by id`;
    expect(events.map((event) => event.action)).toEqual(['EXPORT_STARTED', 'EXPORT_FINISHED']);
    expect(JSON.parse(events[1]!.new_value as string)).toEqual({
      exportId,
      format: 'CSV',
      studyId,
      subjectId: enrolled[2]!.id,
      from: null,
      to: null,
      readings: 3,
      complete: true,
    });
  });

  it('lets ADMIN and MONITOR read who exported what through the graph and REST, within their studies only', async () => {
    const monitor = await authHeaders({ subject: 'monitor-reader', roles: ['MONITOR'], studies: [studyId] });
    const exported = await get(`/api/v1/studies/${studyId}/sdtm/vs.csv?from=2026-03-01T00:00:00Z&to=2026-03-01T23:59:59Z`, monitor);
    expect(exported.status).toBe(200);
    await exported.text();
    const exportId = exported.headers.get('x-export-id');
    const trail = `query($studyId: ID!, $first: Int, $after: String) {
      exportAuditTrail(studyId: $studyId, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { at actor action entityType entityId newValue reason } }
      }
    }`;
    const asMonitor = await graphqlRequest(gateway.url, trail, { studyId, first: 100 }, monitor);
    expect(asMonitor.errors).toBeUndefined();
    const events = asMonitor.data!.exportAuditTrail.edges.map((edge: any) => edge.node);
    expect(asMonitor.data!.exportAuditTrail.totalCount).toBe(events.length);
    const mine = events.filter((event: any) => JSON.parse(event.newValue).exportId === exportId);
    expect(mine.map((event: any) => [event.action, event.actor, event.entityType, event.entityId])).toEqual([
      ['EXPORT_STARTED', 'monitor-reader', 'Study', studyId],
      ['EXPORT_FINISHED', 'monitor-reader', 'Study', studyId],
    ]);
    expect(JSON.parse(mine[1].newValue)).toEqual({
      exportId,
      format: 'SDTM',
      studyId,
      subjectId: null,
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-01T23:59:59.000Z',
      readings: 6,
      complete: true,
    });
    // Every export of the study so far, the earlier tests' included, each a started and a finished event.
    expect(events.filter((event: any) => event.action === 'EXPORT_STARTED').length).toBeGreaterThan(1);
    const firstPage = await graphqlRequest(gateway.url, trail, { studyId, first: 1 }, await adminHeaders());
    expect(firstPage.data!.exportAuditTrail.pageInfo.hasNextPage).toBe(true);
    const secondPage = await graphqlRequest(
      gateway.url,
      trail,
      { studyId, first: 1, after: firstPage.data!.exportAuditTrail.pageInfo.endCursor },
      await adminHeaders(),
    );
    expect(secondPage.data!.exportAuditTrail.edges[0].node).toEqual(events[1]);

    const rest = await get(`/api/v1/studies/${studyId}/exports/audit-trail?first=100`, monitor);
    expect(rest.status).toBe(200);
    expect(((await rest.json()) as any).edges.map((edge: any) => edge.node)).toEqual(events.map((event: any) => expect.objectContaining(event)));

    // Who may export may not read the trail; a monitor of another study sees no such study.
    const coordinator = await graphqlRequest(gateway.url, trail, { studyId }, await coordinatorNorth());
    expect(coordinator.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const otherMonitor = await graphqlRequest(
      gateway.url,
      trail,
      { studyId },
      await authHeaders({ roles: ['MONITOR'], studies: ['00000000-0000-4000-8000-000000000000'] }),
    );
    expect(otherMonitor.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await get(`/api/v1/studies/${studyId}/exports/audit-trail`, await coordinatorNorth())).status).toBe(403);
  });

  it('refuses a caller without a token, a role without the right, and hides what lies outside the caller’s sites', async () => {
    expect((await get(`/api/v1/studies/${studyId}/vitals.csv`)).status).toBe(401);
    const partner = await get(`/api/v1/studies/${studyId}/vitals.csv`, await authHeaders({ roles: ['PARTNER'], studies: [studyId] }));
    expect(partner.status).toBe(403);
    expect(((await partner.json()) as any).errors[0].extensions.code).toBe('FORBIDDEN');
    const southSubject = await get(`/api/v1/subjects/${enrolled[2]!.id}/vitals.csv`, await coordinatorNorth());
    expect(southSubject.status).toBe(404);
    expect(((await southSubject.json()) as any).errors[0].extensions.code).toBe('NOT_FOUND');
    const otherStudy = await get(`/api/v1/studies/${southId}/vitals.csv`, await adminHeaders());
    expect(otherStudy.status).toBe(404);
  });

  it('refuses an export over MAX_EXPORT_READINGS with 413 before it starts, and bad parameters with 400', async () => {
    const whole = await get(`/api/v1/studies/${studyId}/vitals.csv`, await adminHeaders());
    expect(whole.status).toBe(413);
    const body = (await whole.json()) as any;
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'MAX_EXPORT_READINGS' });
    expect((await get(`/api/v1/studies/${studyId}/vitals.csv?from=yesterday`, await adminHeaders())).status).toBe(400);
    expect((await get(`/api/v1/studies/${studyId}/vitals.ndjson`, await adminHeaders())).status).toBe(400);
  });

  it('gives GraphQL clients a short-lived link that downloads as the caller, and refuses a changed one', async () => {
    const headers = await coordinatorNorth();
    const answer = await graphqlRequest(
      gateway.url,
      `query($studyId: ID!) { vitalsExport(studyId: $studyId, format: SDTM) { url expiresAt format readings } }`,
      { studyId },
      headers,
    );
    expect(answer.errors).toBeUndefined();
    const link = answer.data?.vitalsExport;
    expect(link).toMatchObject({ format: 'SDTM', readings: 6 });
    expect(link.url).toMatch(new RegExp(`^/api/v1/studies/${studyId}/sdtm/vs\\.csv\\?link=`));
    expect(Date.parse(link.expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    const download = await get(link.url);
    expect(download.status).toBe(200);
    const rows: Array<Record<string, string>> = parse(await download.text(), { columns: true });
    expect(new Set(rows.map((row) => row.USUBJID))).toEqual(new Set([enrolled[0]!.subjectNumber, enrolled[1]!.subjectNumber]));
    const changed = link.url.replace(/link=(.)/, (_: string, first: string) => `link=${first === 'A' ? 'B' : 'A'}`);
    expect((await get(changed)).status).toBe(401);
    const refused = await graphqlRequest(
      gateway.url,
      `query($studyId: ID!) { vitalsExport(studyId: $studyId, format: CSV) { url } }`,
      { studyId },
      await authHeaders({ roles: ['PARTNER'], studies: [studyId] }),
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('exports with `trialgraph export`, as the gateway serves it, and says why when refused', async () => {
    const token = (await coordinatorNorth()).authorization.slice('Bearer '.length);
    const served = await (await get(`/api/v1/studies/${studyId}/sdtm/vs.csv`, { authorization: `Bearer ${token}` })).text();
    const run = await trialgraph(['export', '--study', studyId, '--format', 'sdtm', '--gateway', gateway.url, '--token', token]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(served);
    const refused = await trialgraph([
      'export',
      '--study',
      studyId,
      '--format',
      'fhir',
      '--gateway',
      gateway.url,
      '--token',
      await testToken({ roles: ['PARTNER'], studies: [studyId] }),
    ]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/HTTP 403, FORBIDDEN/);
  });
});
