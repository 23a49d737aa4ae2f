import { describe, expect, it } from 'vitest';
import { copyBinary, float4Of } from './copy-batch.js';
import { StorableBatch } from './storable-batch.js';
import type { StorableVital } from './write-batch.js';

/** The tuples of a COPY in binary format, each field as bytes or null; fails on anything out of shape. */
function readCopyBinary(data: Buffer): Array<Array<Buffer | null>> {
  expect(data.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
  expect(data.readInt32BE(11)).toBe(0);
  expect(data.readInt32BE(15)).toBe(0);
  const tuples: Array<Array<Buffer | null>> = [];
  let at = 19;
  for (;;) {
    const count = data.readInt16BE(at);
    at += 2;
    if (count === -1) break;
    const fields: Array<Buffer | null> = [];
    for (let index = 0; index < count; index++) {
      const length = data.readInt32BE(at);
      at += 4;
      fields.push(length === -1 ? null : data.subarray(at, at + length));
      if (length > 0) at += length;
    }
    tuples.push(fields);
  }
  expect(at).toBe(data.length);
  return tuples;
}

const uuidOf = (field: Buffer | null) => {
  const hex = field?.toString('hex') ?? '';
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
/** PostgreSQL's int64 microseconds since 2000 back to epoch milliseconds. */
const msOf = (field: Buffer | null) => Number(field?.readBigInt64BE(0) ?? 0n) / 1000 + Date.UTC(2000, 0, 1);
const smallintOf = (field: Buffer | null) => (field === null ? null : field.readInt16BE(0));

const STUDY = '00000000-0000-4000-8000-0000000000aa';
const IMPORT = '00000000-0000-4000-a000-000000000001';

describe('copyBinary', () => {
  const row = (line: number, extra: Partial<StorableVital> = {}): StorableVital => ({
    line,
    subjectId: '00000000-0000-4000-8000-000000000001',
    siteId: '00000000-0000-4000-8000-000000000002',
    recordedAtMs: Date.UTC(2026, 0, 1, 8, 15),
    heartRate: 72,
    systolic: null,
    diastolic: null,
    temperature: 36.6,
    respiratoryRate: null,
    spo2: 98,
    ...extra,
  });

  it('writes one tuple of the 13 COPY columns per row, absent values as null, the actor as UTF-8', () => {
    const tuples = readCopyBinary(
      Buffer.concat(
        copyBinary(StorableBatch.of([row(2), row(3, { heartRate: null, systolic: 120, diastolic: 80, recordedAtMs: Date.UTC(1969, 5, 1, 0, 0, 0, 1) })]), {
          importId: null,
          studyId: STUDY,
          actor: 'Dr. Łukasz\t医生',
        }),
      ),
    );
    expect(tuples).toHaveLength(2);
    const [first, second] = tuples;
    expect(first).toHaveLength(13);
    expect([uuidOf(first![0]!), uuidOf(first![1]!), uuidOf(first![2]!)]).toEqual([
      '00000000-0000-4000-8000-000000000001',
      STUDY,
      '00000000-0000-4000-8000-000000000002',
    ]);
    expect(msOf(first![3]!)).toBe(Date.UTC(2026, 0, 1, 8, 15));
    expect([4, 5, 6, 8, 9].map((index) => smallintOf(first![index]!))).toEqual([72, null, null, null, 98]);
    expect(first![7]?.readFloatBE(0)).toBe(Math.fround(36.6));
    expect(first![10]).toBeNull();
    expect(first![11]?.readInt32BE(0)).toBe(2);
    expect(first![12]?.toString('utf8')).toBe('Dr. Łukasz\t医生');
    expect(msOf(second![3]!)).toBe(Date.UTC(1969, 5, 1, 0, 0, 0, 1));
    expect([4, 5, 6].map((index) => smallintOf(second![index]!))).toEqual([null, 120, 80]);
    expect(second![11]?.readInt32BE(0)).toBe(3);
  });

  it('hands a large batch over in chunks of whole tuples of at most a megabyte, every row under its own subject, in order', () => {
    const subjects = Array.from({ length: 7 }, (_, index) => ({
      subjectId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      siteId: `00000000-0000-4000-9000-${String(index % 3).padStart(12, '0')}`,
    }));
    const rows = Array.from({ length: 9_001 }, (_, index) =>
      row(index + 2, { ...subjects[index % subjects.length]!, recordedAtMs: Date.UTC(2026, 0, 1) + index }),
    );
    const chunks = copyBinary(StorableBatch.of(rows), { importId: IMPORT, studyId: STUDY, actor: 'Dr. Łukasz Żółć 医生 '.repeat(20) });
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((chunk) => chunk.length <= 1024 * 1024)).toBe(true);
    // Every chunk after the first begins with a tuple's field count.
    expect(chunks.slice(1).map((chunk) => chunk.readInt16BE(0))).toEqual(chunks.slice(1).map(() => 13));
    const tuples = readCopyBinary(Buffer.concat(chunks));
    expect(tuples.map((tuple) => [tuple[11]?.readInt32BE(0), uuidOf(tuple[0]!), uuidOf(tuple[2]!), msOf(tuple[3]!), uuidOf(tuple[10]!)])).toEqual(
      rows.map((stored) => [stored.line, stored.subjectId, stored.siteId, stored.recordedAtMs, IMPORT]),
    );
  });

  it('refuses a measure a smallint cannot hold rather than writing another number', () => {
    expect(() => copyBinary(StorableBatch.of([row(2, { heartRate: 72.5 })]), { importId: null, studyId: STUDY, actor: 'a' })).toThrow(RangeError);
    expect(() => copyBinary(StorableBatch.of([row(2, { spo2: 40_000 })]), { importId: null, studyId: STUDY, actor: 'a' })).toThrow(RangeError);
  });
});

describe('float4Of', () => {
  it('is the nearest float wherever the double is not exactly halfway between two floats', () => {
    for (const value of [36.6, 37.25, 0.1, -4.2, 36.77777777777778, 1e-7, 98.2]) expect(float4Of(value)).toBe(Math.fround(value));
  });

  it('rounds a double halfway between two floats as PostgreSQL reads its decimal text, not as Math.fround', () => {
    // Doubles exactly halfway between two floats, and the real PostgreSQL 15 made of each one's
    // String() (`select '…'::real::float8`, recorded 2026-11-29): Math.fround rounds the first
    // two the same way, the other three the other way.
    const readByPostgres: Array<[number, number]> = [
      [36.0371036529541, 36.03710174560547],
      [36.29680061340332, 36.29679870605469],
      [36.11130332946777, 36.11130142211914],
      [36.14840126037598, 36.14840316772461],
      [36.37100028991699, 36.37099838256836],
    ];
    for (const [halfway, real] of readByPostgres) {
      expect(Math.fround(halfway)).not.toBe(halfway);
      expect(float4Of(halfway)).toBe(real);
      expect(float4Of(-halfway)).toBe(-real);
    }
    expect(readByPostgres.filter(([halfway, real]) => Math.fround(halfway) !== real)).toHaveLength(3);
  });
});
