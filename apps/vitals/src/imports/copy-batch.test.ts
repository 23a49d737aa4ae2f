import { describe, expect, it } from 'vitest';
import { copyText, writeIsoInstant } from './copy-batch.js';
import { StorableBatch } from './storable-batch.js';
import type { StorableVital } from './write-batch.js';

describe('writeIsoInstant', () => {
  it('spells every instant as toISOString does, before 1970 and after, at the edges of days and seconds', () => {
    const instants = [
      Date.UTC(1900, 0, 1),
      Date.UTC(1969, 11, 31, 23, 59, 59, 999),
      0,
      Date.UTC(2024, 1, 29, 12, 0, 0, 5),
      Date.UTC(2026, 0, 1, 0, 0, 0, 1),
      Date.UTC(2026, 0, 1, 9, 5, 7, 30),
      Date.UTC(2026, 11, 31, 23, 59, 59, 999),
    ];
    // And a seeded walk through 1900–2100 in uneven steps, so the kept day changes and comes back.
    let seed = 7;
    for (let index = 0; index < 20_000; index++) {
      seed = (seed * 48_271) % 2_147_483_647;
      instants.push(Date.UTC(1900, 0, 1) + Math.floor((seed / 2_147_483_647) * 200 * 365.25 * 86_400_000));
    }
    const written = (ms: number) => {
      const target = Buffer.alloc(40, 0x2d);
      return target.toString('latin1', 3, writeIsoInstant(target, 3, ms));
    };
    expect(instants.filter((ms) => written(ms) !== new Date(ms).toISOString())).toEqual([]);
  });
});

describe('copyText', () => {
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

  it('writes one line per row in the COPY columns, absent values as \\N and the free-text actor escaped', () => {
    const text = Buffer.concat(
      copyText(StorableBatch.of([row(2), row(3, { heartRate: null, systolic: 120, diastolic: 80 })]), {
        importId: null,
        studyId: 'study',
        actor: 'a\tb\\c\nd\re',
      }),
    ).toString('utf8');
    expect(text.split('\n')).toEqual([
      '00000000-0000-4000-8000-000000000001\tstudy\t00000000-0000-4000-8000-000000000002\t2026-01-01T08:15:00.000Z\t72\t\\N\t\\N\t36.6\t\\N\t98\t\\N\t2\ta\\tb\\\\c\\nd\\re',
      '00000000-0000-4000-8000-000000000001\tstudy\t00000000-0000-4000-8000-000000000002\t2026-01-01T08:15:00.000Z\t\\N\t120\t80\t36.6\t\\N\t98\t\\N\t3\ta\\tb\\\\c\\nd\\re',
      '',
    ]);
  });

  it('hands a large batch over in chunks of whole lines of about a megabyte, a line of many-byte characters included', () => {
    const rows = Array.from({ length: 9_001 }, (_, index) => row(index + 2));
    const chunks = copyText(StorableBatch.of(rows), { importId: 'import', studyId: 'study', actor: 'Dr. Łukasz Żółć 医生 '.repeat(20) });
    const text = Buffer.concat(chunks).toString('utf8');
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((chunk) => chunk.length <= 1024 * 1024 && chunk.toString('utf8').endsWith('\n'))).toBe(true);
    expect(
      text
        .split('\n')
        .slice(0, -1)
        .map((line) => line.split('\t')[11]),
    ).toEqual(rows.map((stored) => String(stored.line)));
    expect(text.split('\n')[0]?.split('\t')[12]).toBe('Dr. Łukasz Żółć 医生 '.repeat(20));
  });

  it('writes every value as String() prints it and each row under its own subject and site, over many rows of several subjects', () => {
    const subjects = Array.from({ length: 7 }, (_, index) => ({
      subjectId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      siteId: `00000000-0000-4000-9000-${String(index % 3).padStart(12, '0')}`,
    }));
    let seed = 11;
    const next = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const maybe = (value: number) => (next() < 0.2 ? null : value);
    const rows: StorableVital[] = Array.from({ length: 5_000 }, (_, index) => ({
      line: 2 + index * 37,
      ...subjects[Math.floor(next() * subjects.length)]!,
      recordedAtMs: Date.UTC(1990, 0, 1) + Math.floor(next() * 40 * 365 * 86_400_000),
      heartRate: maybe(20 + Math.floor(next() * 281)),
      systolic: maybe(50 + Math.floor(next() * 251)),
      diastolic: maybe(20 + Math.floor(next() * 181)),
      // Fahrenheit read into °C gives long fractions: 98.2 °F is 36.77777777777778 °C.
      temperature: maybe(next() < 0.5 ? Math.round((30 + next() * 15) * 10) / 10 : ((90 + next() * 20 - 32) * 5) / 9),
      respiratoryRate: maybe(4 + Math.floor(next() * 77)),
      spo2: maybe(50 + Math.floor(next() * 51)),
    }));
    const target = { importId: '00000000-0000-4000-a000-000000000001', studyId: 'study', actor: 'Dr. Who' };
    const field = (value: number | null) => (value === null ? '\\N' : String(value));
    const expected = rows.map(
      (row) =>
        `${row.subjectId}\tstudy\t${row.siteId}\t${new Date(row.recordedAtMs).toISOString()}\t${field(row.heartRate)}\t${field(row.systolic)}\t` +
        `${field(row.diastolic)}\t${field(row.temperature)}\t${field(row.respiratoryRate)}\t${field(row.spo2)}\t${target.importId}\t${row.line}\tDr. Who`,
    );
    const lines = Buffer.concat(copyText(StorableBatch.of(rows), target))
      .toString('utf8')
      .split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.filter((line, index) => line !== expected[index])).toEqual([]);
    expect(lines).toHaveLength(rows.length);
  });
});
