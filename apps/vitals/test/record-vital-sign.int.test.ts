import { errorCodes, graphqlRequest } from '@trialgraph/testing';
import { describe, expect, it } from 'vitest';
import { useEnrolledVitalsStack } from './support/vitals-stack.js';

const RECORD = `mutation($input: RecordVitalSignInput!) {
  recordVitalSign(input: $input) { id recordedAt heartRate systolic diastolic bloodPressure temperature respiratoryRate spo2 importId
                                   subject { id subjectNumber } }
}`;

const SUBJECT_VITALS = `query($id: ID!) {
  subject(id: $id) { subjectNumber vitals { totalCount edges { node { id recordedAt heartRate bloodPressure temperature spo2 } } }
                     latestVitalSign { id heartRate } }
}`;

describe('recording one vital sign through the gateway (real processes, real PostgreSQL)', () => {
  const given = useEnrolledVitalsStack({ name: 'tg_rec', study: { code: 'REC01', subjects: 2 } });

  const record = (input: Record<string, unknown>) => graphqlRequest(given.stack.gateway.url, RECORD, { input }, given.headers);
  const storedCount = async () => Number((await given.vitalsSql`select count(*)::int as n from vital_signs`)[0]?.n);
  const subjectVitals = async (subjectId: string) =>
    (await graphqlRequest(given.stack.gateway.url, SUBJECT_VITALS, { id: subjectId }, given.headers)).data?.subject;

  it('stores a reading and shows it under the subject through the gateway', async () => {
    const [subjectId] = given.study.subjectIds as [string];
    const response = await record({ subjectId, recordedAt: '2026-01-10T08:30:00Z', heartRate: 72, systolic: 121, diastolic: 79, temperature: 36.6, spo2: 98 });
    expect(response.errors).toBeUndefined();
    expect(response.data?.recordVitalSign).toMatchObject({
      recordedAt: '2026-01-10T08:30:00.000Z',
      heartRate: 72,
      bloodPressure: '121/79',
      respiratoryRate: null,
      spo2: 98,
      importId: null,
      subject: { id: subjectId, subjectNumber: given.study.subjectNumbers[0] },
    });
    expect(response.data?.recordVitalSign.temperature).toBeCloseTo(36.6, 4);

    const subject = await subjectVitals(subjectId);
    expect(subject.vitals.totalCount).toBe(1);
    expect(subject.vitals.edges[0].node).toMatchObject({
      id: response.data?.recordVitalSign.id,
      recordedAt: '2026-01-10T08:30:00.000Z',
      heartRate: 72,
      bloodPressure: '121/79',
    });
    expect(subject.latestVitalSign).toEqual({ id: response.data?.recordVitalSign.id, heartRate: 72 });
    // The other subject has nothing.
    expect((await subjectVitals(given.study.subjectIds[1]!)).vitals.totalCount).toBe(0);
  });

  it('returns the stored reading when the same one is sent again, even written in another offset', async () => {
    const [subjectId] = given.study.subjectIds as [string];
    const input = { subjectId, recordedAt: '2026-01-11T08:00:00Z', heartRate: 64, temperature: 37.2 };
    const first = await record(input);
    const before = await storedCount();
    const again = await record({ ...input, recordedAt: '2026-01-11T09:00:00+01:00' });
    expect(again.errors).toBeUndefined();
    expect(again.data?.recordVitalSign.id).toBe(first.data?.recordVitalSign.id);
    expect(await storedCount()).toBe(before);
  });

  it('refuses other values at the same instant as CONFLICT and keeps the stored reading', async () => {
    const [subjectId] = given.study.subjectIds as [string];
    const response = await record({ subjectId, recordedAt: '2026-01-10T08:30:00Z', heartRate: 90 });
    expect(errorCodes(response)).toEqual(['CONFLICT']);
    expect(response.errors?.[0]?.message).toBe(
      `subject ${given.study.subjectNumbers[0]} already has a reading at 2026-01-10T08:30:00.000Z with other values; stored readings are never overwritten`,
    );
    const [kept] = await given.vitalsSql`select heart_rate from vital_signs where recorded_at = '2026-01-10T08:30:00Z'`;
    expect(kept?.heart_rate).toBe(72);
  });

  it.each([
    ['a heart rate of 400', { heartRate: 400 }, 'heart_rate must be between 20 and 300 beats/min, got 400'],
    ['an SpO2 of 101', { spo2: 101 }, 'spo2 must be between 50 and 100 %, got 101'],
    ['a diastolic above the systolic', { systolic: 90, diastolic: 110 }, 'diastolic (110) must be below systolic (90)'],
    ['no measure at all', {}, 'no measure given: at least one of heart_rate, blood_pressure, temperature, respiratory_rate, spo2 is needed'],
    [
      'a time in the future',
      { heartRate: 70, recordedAt: '2099-01-01T00:00:00Z' },
      /^recordedAt 2099-01-01T00:00:00\.000Z is later than now \(\d{4}-\d\d-\d\dT[\d:.]+Z\) plus 5 minutes allowed for clock drift$/,
    ],
    [
      'a time before 1900',
      { heartRate: 70, recordedAt: '0001-01-01T00:00:00Z' },
      'recordedAt 0001-01-01T00:00:00.000Z is before 1900-01-01T00:00:00.000Z, the earliest time a reading may have',
    ],
  ])('refuses %s as BAD_USER_INPUT and stores nothing', async (_label, values, message) => {
    const before = await storedCount();
    const response = await record({ subjectId: given.study.subjectIds[1], recordedAt: '2026-01-12T08:00:00Z', ...values });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    if (typeof message === 'string') expect(response.errors?.[0]?.message).toBe(message);
    else expect(response.errors?.[0]?.message).toMatch(message);
    expect(await storedCount()).toBe(before);
  });

  it('answers NOT_FOUND for a subject that does not exist, and stores nothing', async () => {
    const before = await storedCount();
    const response = await record({ subjectId: '00000000-0000-4000-8000-000000000000', recordedAt: '2026-01-12T08:00:00Z', heartRate: 70 });
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    expect(response.errors?.[0]?.message).toMatch(/^no subject with id 00000000-0000-4000-8000-000000000000$/i);
    expect(await storedCount()).toBe(before);
  });

  it('writes who recorded which reading to the audit trail, in the same transaction, and once for a repeat', async () => {
    const subjectId = given.study.subjectIds[1]!;
    const input = { subjectId, recordedAt: '2026-01-14T07:15:00Z', heartRate: 64, spo2: 97 };
    const first = await record(input);
    expect(first.errors).toBeUndefined();
    expect((await record(input)).data?.recordVitalSign.id).toBe(first.data?.recordVitalSign.id);
    const events =
      await given.vitalsSql`select actor, action, entity_type, entity_id, new_value from audit_events where entity_id = ${first.data?.recordVitalSign.id}`;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: 'test-admin', action: 'RECORD', entity_type: 'VitalSign' });
    expect(JSON.parse(events[0]!.new_value)).toMatchObject({ subjectId, recordedAt: '2026-01-14T07:15:00.000Z', heartRate: 64, spo2: 97 });
  });

  it('keeps stored readings as they are: the database refuses to change or delete one, whoever asks', async () => {
    const [subjectId] = given.study.subjectIds as [string];
    const stored = await record({ subjectId, recordedAt: '2026-01-15T07:00:00Z', heartRate: 70 });
    const id = stored.data?.recordVitalSign.id;
    // given.vitalsSql connects as the owner (the superuser here): even it meets the trigger.
    await expect(given.vitalsSql`update vital_signs set heart_rate = 99 where id = ${id}`).rejects.toThrow(/vital signs are never changed or deleted/);
    await expect(given.vitalsSql`delete from vital_signs where id = ${id}`).rejects.toThrow(/vital signs are never changed or deleted/);
    expect((await given.vitalsSql`select heart_rate from vital_signs where id = ${id}`)[0]?.heart_rate).toBe(70);
  });
});
