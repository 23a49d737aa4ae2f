import { errorCodes, graphqlRequest } from '@trialgraph/testing';
import { importVitalsFile } from '@trialgraph/upload-client';
import { describe, expect, it } from 'vitest';
import { useEnrolledVitalsStack } from './support/vitals-stack.js';

async function* bytesOf(content: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(content, 'utf8');
}

const RECORD = `mutation($input: RecordVitalSignInput!) { recordVitalSign(input: $input) { id importId temperature } }`;

/**
 * A reading is the same or another one by one rule, whichever path stored it first and
 * whichever path sends it again: importVitals or recordVitalSign.
 */
describe('one rule for the same reading, by import and by recordVitalSign (real processes, real PostgreSQL)', () => {
  const given = useEnrolledVitalsStack({ name: 'tg_same', study: { code: 'SAME01', subjects: 2 } });

  const importRow = async (subject: number, at: string, temperature: string) => {
    const csv = `patient_id,record_time,heart_rate,temperature\n${given.study.subjectNumbers[subject]},${at},72,${temperature}\n`;
    const response = await importVitalsFile({
      url: given.stack.gateway.url,
      studyId: given.study.studyId,
      file: bytesOf(csv),
      fileName: 'one.csv',
      token: given.token,
    });
    expect(response.errors).toBeUndefined();
    return response.data!.importVitals as {
      id: string;
      status: string;
      rowsAccepted: number;
      rowsDuplicate: number;
      rowsRejected: number;
      errors: Array<{ code: string }>;
    };
  };
  const record = (subject: number, at: string, temperature: number) =>
    graphqlRequest(
      given.stack.gateway.url,
      RECORD,
      { input: { subjectId: given.study.subjectIds[subject], recordedAt: at, heartRate: 72, temperature } },
      given.headers,
    );
  const storedAt = async (subject: number, at: string) =>
    Number(
      (
        await given.vitalsSql`select count(*)::int as n from vital_signs where subject_id = ${given.study.subjectIds[subject]!} and recorded_at = ${at}::timestamptz`
      )[0]?.n,
    );

  it('an imported reading sent again through recordVitalSign is the same reading: the stored one is returned', async () => {
    const at = '2026-02-01T08:00:00Z';
    const imported = await importRow(0, at, '36.60');
    expect(imported).toMatchObject({ status: 'SUCCEEDED', rowsAccepted: 1 });
    const again = await record(0, at, 36.6);
    expect(again.errors).toBeUndefined();
    expect(again.data?.recordVitalSign).toMatchObject({ importId: imported.id });
    expect(await storedAt(0, at)).toBe(1);
  });

  it('a recorded reading sent again in a file is a duplicate', async () => {
    const at = '2026-02-01T09:00:00Z';
    expect((await record(0, at, 36.6)).errors).toBeUndefined();
    expect(await importRow(0, at, '36.6')).toMatchObject({ status: 'SUCCEEDED', rowsAccepted: 0, rowsDuplicate: 1, rowsRejected: 0 });
    expect(await storedAt(0, at)).toBe(1);
  });

  // 36.60001 and 36.6 are stored as different reals: as close as they are, they are two readings.
  it('an imported reading sent with a value that is stored differently through recordVitalSign is a CONFLICT', async () => {
    const at = '2026-02-01T10:00:00Z';
    expect(await importRow(1, at, '36.6')).toMatchObject({ rowsAccepted: 1 });
    const differing = await record(1, at, 36.60001);
    expect(errorCodes(differing)).toEqual(['CONFLICT']);
    expect(await storedAt(1, at)).toBe(1);
  });

  it('a recorded reading sent with a value that is stored differently in a file is a CONFLICT', async () => {
    const at = '2026-02-01T11:00:00Z';
    expect((await record(1, at, 36.6)).errors).toBeUndefined();
    const imported = await importRow(1, at, '36.60001');
    expect(imported).toMatchObject({ status: 'SUCCEEDED', rowsAccepted: 0, rowsDuplicate: 0, rowsRejected: 1 });
    expect(imported.errors.map((error) => error.code)).toEqual(['CONFLICT']);
    expect(await storedAt(1, at)).toBe(1);
  });
});
