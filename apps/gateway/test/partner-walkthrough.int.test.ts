import { readFileSync } from 'node:fs';
import { adminHeaders, createTestDatabase, graphqlRequest, startApp, testToken, type AppProcess, type TestDatabase } from '@trialgraph/testing';
import createClient from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { paths } from './support/partner-api.js';
import { generatePartnerApiTypes, PARTNER_API_TYPES } from './support/partner-api-types.js';

/** The README's "For partners" walkthrough, run with a client generated from /api/v1/openapi.json, each step as the role the policy allows and refused to one it does not. */
describe('the partner walkthrough with a typed OpenAPI client', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let apps: AppProcess[] = [];
  let gateway: AppProcess;
  let studyId: string;
  let siteId: string;

  const clientAs = async (claims: { roles: Array<'COORDINATOR' | 'PARTNER' | 'MONITOR' | 'INVESTIGATOR'>; sites?: string[]; subject: string }) =>
    createClient<paths>({
      baseUrl: gateway.url.replace(/\/$/, ''),
      headers: { authorization: `Bearer ${await testToken({ ...claims, studies: [studyId] })}` },
    });
  const csvBody = { bodySerializer: (body: unknown) => body as string, headers: { 'content-type': 'text/csv' } };

  beforeAll(async () => {
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_psubj'), createTestDatabase('tg_pvit')]);
    const subjects = await startApp('subjects', { SUBJECTS_DATABASE_URL: subjectsDb.url });
    const vitals = await startApp('vitals', { VITALS_DATABASE_URL: vitalsDb.url, SUBJECTS_URL: `${subjects.url}graphql` });
    gateway = await startApp('gateway', { SUBJECTS_URL: `${subjects.url}graphql`, VITALS_URL: `${vitals.url}graphql` });
    apps = [gateway, vitals, subjects];
    const study = await graphqlRequest(
      gateway.url,
      `mutation { createStudy(input: { code: "PTN01", name: "Partners", sites: [{ code: "S01", name: "North" }] }) { id sites { id } } }`,
      {},
      await adminHeaders(),
    );
    studyId = study.data?.createStudy.id;
    siteId = study.data?.createStudy.sites[0].id;
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  it('uses types generated from the document the gateway serves', async () => {
    expect(readFileSync(PARTNER_API_TYPES, 'utf8'), 'regenerate test/support/partner-api.d.ts with generatePartnerApiTypes()').toBe(
      await generatePartnerApiTypes(),
    );
  });

  it('creates a subject, imports CSV files, polls the import and exports FHIR and SDTM, each as the role allowed to', async () => {
    const coordinator = await clientAs({ subject: 'ward-coordinator', roles: ['COORDINATOR'], sites: [siteId] });
    const partner = await clientAs({ subject: 'device-vendor', roles: ['PARTNER'], sites: [siteId] });
    const monitor = await clientAs({ subject: 'cro-monitor', roles: ['MONITOR'] });

    // 1. The coordinator enrols a subject at their site; a partner may not.
    const created = await coordinator.POST('/api/v1/subjects', { body: { input: { studyId, siteId, age: 47, sex: 'FEMALE' } } });
    expect(created.response.status).toBe(201);
    const subjectNumber = created.data!.subjectNumber;
    const refusedEnrolment = await partner.POST('/api/v1/subjects', { body: { input: { studyId, siteId, age: 47, sex: 'FEMALE' } } });
    expect(refusedEnrolment.response.status).toBe(403);

    // 2. The coordinator and the partner send CSV files as the body; a monitor may not.
    const path = { studyId };
    const fromWard = await coordinator.POST('/api/v1/studies/{studyId}/vitals/imports', {
      params: { path, query: { timezone: 'Europe/Paris', fileName: 'ward.csv' } },
      body: `patient_id,record_time,heart_rate,blood_pressure\n${subjectNumber},2026-03-01 08:00,72,120/80\n` as never,
      ...csvBody,
    });
    expect(fromWard.response.status).toBe(200);
    expect(fromWard.data).toMatchObject({ status: 'SUCCEEDED', rowsAccepted: 1 });
    // The partner does not wait for the import to be stored: 202, then it polls the Location.
    const fromDevice = await partner.POST('/api/v1/studies/{studyId}/vitals/imports', {
      params: { path, query: { fileName: 'device.csv' }, header: { Prefer: 'respond-async' } },
      body: `patient_id,record_time,spo2,temperature\n${subjectNumber},2026-03-01T09:00:00Z,97,36.9\n` as never,
      ...csvBody,
    });
    expect(fromDevice.response.status).toBe(202);
    expect(fromDevice.response.headers.get('location')).toBe(`/api/v1/imports/${fromDevice.data!.id}`);
    const refusedImport = await monitor.POST('/api/v1/studies/{studyId}/vitals/imports', {
      params: { path },
      body: 'patient_id,record_time,spo2\n' as never,
      ...csvBody,
    });
    expect(refusedImport.response.status).toBe(403);

    // 3. The partner polls its import until it has ended; another user's report reads as not found to them.
    const importId = fromDevice.data!.id;
    let polled = await partner.GET('/api/v1/imports/{id}', { params: { path: { id: importId } } });
    for (let attempt = 0; polled.data?.status === 'RUNNING' && attempt < 100; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      polled = await partner.GET('/api/v1/imports/{id}', { params: { path: { id: importId } } });
    }
    expect(polled.data).toMatchObject({ id: importId, status: 'SUCCEEDED', rowsAccepted: 1, fileName: 'device.csv' });
    const notTheirs = await partner.GET('/api/v1/imports/{id}', { params: { path: { id: fromWard.data!.id } } });
    expect(notTheirs.response.status).toBe(404);

    // 4. The monitor exports the study as FHIR and SDTM; a partner may not.
    const fhir = await monitor.GET('/api/v1/studies/{studyId}/vitals.ndjson', { params: { path, query: { format: 'fhir' } }, parseAs: 'text' });
    expect(fhir.response.status).toBe(200);
    const observations = (fhir.data as unknown as string)
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { code: { coding: Array<{ code: string }> } });
    expect(observations.map((observation) => observation.code.coding[0]!.code).sort()).toEqual(['59408-5', '8310-5', '85354-9', '8867-4']);
    const sdtm = await monitor.GET('/api/v1/studies/{studyId}/sdtm/vs.csv', { params: { path }, parseAs: 'text' });
    expect(sdtm.response.status).toBe(200);
    expect((sdtm.data as unknown as string).split('\n')[0]).toBe(
      'STUDYID,DOMAIN,USUBJID,VSSEQ,VSTESTCD,VSTEST,VSORRES,VSORRESU,VSSTRESC,VSSTRESN,VSSTRESU,VSDTC',
    );
    const refusedExport = await partner.GET('/api/v1/studies/{studyId}/sdtm/vs.csv', { params: { path }, parseAs: 'text' });
    expect(refusedExport.response.status).toBe(403);
  });
});
