import { createHash } from 'node:crypto';
import { graphqlRequest, testToken } from '@trialgraph/testing';
import { importVitalsFile } from '@trialgraph/upload-client';
import { describe, expect, it } from 'vitest';
import { useEnrolledVitalsStack } from './support/vitals-stack.js';

const REPORT = `query Report($id: ID!) {
  vitalsImport(id: $id) { id status sha256 byteCount rowsAccepted rowsDuplicate sameFileAs { id sha256 } }
}`;

async function* bytesOf(content: string): AsyncGenerator<Uint8Array> {
  // Two chunks, so the hash is taken across chunk boundaries as it is for a real upload.
  const bytes = Buffer.from(content, 'utf8');
  yield bytes.subarray(0, 17);
  yield bytes.subarray(17);
}

const sha256Of = (content: string) => createHash('sha256').update(content, 'utf8').digest('hex');

describe('the provenance of an import: which file it was (real processes, real PostgreSQL)', () => {
  const given = useEnrolledVitalsStack({ name: 'tg_prov', study: { code: 'PROV01', subjects: 2 } });

  const csvOf = (hour: number) =>
    [
      'patient_id,record_time,heart_rate,temperature',
      ...given.study.subjectNumbers.map((number, index) => `${number},2026-03-01T${String(hour).padStart(2, '0')}:0${index}:00Z,${70 + index},36.6`),
    ].join('\n');

  const send = async (content: string, token: string, dryRun = false) => {
    const response = await importVitalsFile({
      url: given.stack.gateway.url,
      studyId: given.study.studyId,
      file: bytesOf(content),
      fileName: 'export.csv',
      importOptions: { dryRun },
      token,
    });
    expect(response.errors).toBeUndefined();
    return response.data!.importVitals as { id: string; status: string };
  };
  const report = async (id: string, token: string) =>
    (await graphqlRequest(given.stack.gateway.url, REPORT, { id }, { authorization: `Bearer ${token}` })).data?.vitalsImport;

  it('records the SHA-256 and size of the file as received, on the report and in its audit trail', async () => {
    const admin = await testToken({ roles: ['ADMIN'] });
    const content = csvOf(8);
    const sent = await send(content, admin);
    const read = await report(sent.id, admin);
    expect(read).toMatchObject({ status: 'SUCCEEDED', sha256: sha256Of(content), byteCount: Buffer.byteLength(content), sameFileAs: null });

    const audit = await given.vitalsSql`select action, new_value from audit_events where entity_id = ${sent.id} order by id`;
    const finished = audit.find((event) => event.action === 'IMPORT_FINISHED');
    expect(JSON.parse(finished?.new_value)).toMatchObject({ sha256: sha256Of(content), byteCount: Buffer.byteLength(content), status: 'SUCCEEDED' });
  });

  it('says when the same file was imported before into the study, and stores nothing twice', async () => {
    const admin = await testToken({ roles: ['ADMIN'] });
    const content = csvOf(9);
    // A dry run stores nothing, so it is no earlier import of the file.
    const dryRun = await send(content, admin, true);
    expect(await report(dryRun.id, admin)).toMatchObject({ status: 'SUCCEEDED', sameFileAs: null });
    const first = await send(content, admin);
    const storedBefore = Number((await given.vitalsSql`select count(*)::int as n from vital_signs`)[0]?.n);

    const again = await send(content, admin);
    expect(await report(again.id, admin)).toMatchObject({
      status: 'SUCCEEDED',
      sha256: sha256Of(content),
      rowsAccepted: 0,
      rowsDuplicate: given.study.subjectNumbers.length,
      sameFileAs: { id: first.id, sha256: sha256Of(content) },
    });
    expect(Number((await given.vitalsSql`select count(*)::int as n from vital_signs`)[0]?.n)).toBe(storedBefore);

    // A file that differs by one byte is another file.
    const changed = await send(`${content}\n`, admin);
    expect(await report(changed.id, admin)).toMatchObject({ sameFileAs: null });
  });

  it('names the earlier import only to whoever may read it', async () => {
    const content = csvOf(10);
    const partnerA = await testToken({ subject: 'partner-a', roles: ['PARTNER'], studies: [given.study.studyId] });
    const partnerB = await testToken({ subject: 'partner-b', roles: ['PARTNER'], studies: [given.study.studyId] });
    const admin = await testToken({ roles: ['ADMIN'] });
    const first = await send(content, partnerA);
    const second = await send(content, partnerB);
    // A partner reads only the reports it sent: partner B does not learn of partner A's import.
    expect(await report(second.id, partnerB)).toMatchObject({ sha256: sha256Of(content), sameFileAs: null });
    expect(await report(second.id, admin)).toMatchObject({ sameFileAs: { id: first.id } });
  });
});
