import { describe, expect, it } from 'vitest';
import { StorableBatch } from './storable-batch.js';
import type { StorableVital } from './write-batch.js';

const SUBJECT_A = { subjectId: '00000000-0000-4000-8000-00000000000a', siteId: '00000000-0000-4000-8000-0000000000f1' };
const SUBJECT_B = { subjectId: '00000000-0000-4000-8000-00000000000b', siteId: '00000000-0000-4000-8000-0000000000f2' };

describe('StorableBatch', () => {
  it('gives back every row as it was pushed: lines, subjects and sites, instants, absent measures as null and zero as zero', () => {
    const rows: StorableVital[] = [
      {
        line: 2,
        ...SUBJECT_A,
        recordedAtMs: Date.UTC(2026, 0, 1),
        heartRate: 72,
        systolic: 120,
        diastolic: 80,
        temperature: 36.6,
        respiratoryRate: 14,
        spo2: 98,
      },
      {
        line: 3,
        ...SUBJECT_B,
        recordedAtMs: Date.UTC(1969, 5, 1, 0, 0, 0, 1),
        heartRate: null,
        systolic: null,
        diastolic: null,
        temperature: null,
        respiratoryRate: null,
        spo2: null,
      },
      { line: 900_000, ...SUBJECT_A, recordedAtMs: 0, heartRate: 0, systolic: null, diastolic: null, temperature: 37.25, respiratoryRate: null, spo2: 100 },
    ];
    const batch = StorableBatch.of(rows);
    expect(batch.length).toBe(3);
    expect(batch.rows()).toEqual(rows);
    expect([...batch.recordedAtMs()]).toEqual(rows.map((row) => row.recordedAtMs));
  });

  it('refuses a row past its capacity rather than dropping it', () => {
    const batch = new StorableBatch(1);
    const measures = { heartRate: 60, systolic: null, diastolic: null, temperature: null, respiratoryRate: null, spo2: null };
    batch.push(2, 0, measures, { id: SUBJECT_A.subjectId, siteId: SUBJECT_A.siteId });
    expect(() => batch.push(3, 0, measures, { id: SUBJECT_A.subjectId, siteId: SUBJECT_A.siteId })).toThrow(RangeError);
    expect(batch.length).toBe(1);
  });
});
