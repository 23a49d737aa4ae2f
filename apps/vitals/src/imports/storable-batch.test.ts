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
    batch.push(2, 0, measures, 'P-1');
    expect(() => batch.push(3, 0, measures, 'P-1')).toThrow(RangeError);
    expect(batch.length).toBe(1);
  });

  it('gives rows pushed under patient_ids their subjects, two spellings of one subject alike, and takes out the rows of unknown ids in line order', () => {
    const batch = new StorableBatch(5);
    const measures = (heartRate: number) => ({ heartRate, systolic: null, diastolic: null, temperature: null, respiratoryRate: null, spo2: null });
    batch.push(2, 1_000, measures(61), 'p-1');
    batch.push(3, 2_000, measures(62), 'NOBODY');
    batch.push(4, 3_000, measures(63), 'P-1');
    batch.push(5, 4_000, measures(64), 'P-2');
    batch.push(6, 5_000, measures(65), 'NOBODY');
    expect(batch.subjectKeys()).toEqual(['p-1', 'NOBODY', 'P-1', 'P-2']);
    expect(batch.lineRange()).toEqual([2, 6]);
    const subjectA = { id: SUBJECT_A.subjectId, siteId: SUBJECT_A.siteId };
    const subjectB = { id: SUBJECT_B.subjectId, siteId: SUBJECT_B.siteId };
    const unknown: Array<[number, string]> = [];
    batch.assignSubjects(
      new Map([
        ['p-1', subjectA],
        ['P-1', subjectA],
        ['P-2', subjectB],
      ]),
      (line, key) => unknown.push([line, key]),
    );
    expect(unknown).toEqual([
      [3, 'NOBODY'],
      [6, 'NOBODY'],
    ]);
    expect(batch.length).toBe(3);
    expect(batch.rows().map((row) => [row.line, row.subjectId, row.recordedAtMs, row.heartRate])).toEqual([
      [2, SUBJECT_A.subjectId, 1_000, 61],
      [4, SUBJECT_A.subjectId, 3_000, 63],
      [5, SUBJECT_B.subjectId, 4_000, 64],
    ]);
    expect([...batch.recordedAtMs()]).toEqual([1_000, 3_000, 4_000]);
    expect(() => batch.push(7, 0, measures(66), 'P-1')).toThrow(/assigned/);
  });

  it('is not read before its subjects are assigned', () => {
    const batch = new StorableBatch(1);
    batch.push(2, 0, { heartRate: 60, systolic: null, diastolic: null, temperature: null, respiratoryRate: null, spo2: null }, 'P-1');
    expect(() => batch.rows()).toThrow(/not assigned/);
  });
});
