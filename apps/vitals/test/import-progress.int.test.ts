import { randomUUID } from 'node:crypto';
import { errorCodes, waitFor } from '@trialgraph/testing';
import { fetchImportProgress, importVitalsFile, type ImportProgressResult } from '@trialgraph/upload-client';
import { describe, expect, it } from 'vitest';
import { useEnrolledVitalsStack } from './support/vitals-stack.js';

async function* bytesOf(content: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(content, 'utf8');
}

/** A gate the test opens: the file's generator waits at it, as a client that has sent part of its file. */
function gate(): { opened: Promise<void>; open(): void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('following an import while it runs, by the id the client chose (real processes, real PostgreSQL)', () => {
  // Small batches, so that a file of a thousand rows is stored in several.
  const given = useEnrolledVitalsStack({
    name: 'tg_progress',
    study: { code: 'PROG01', subjects: 2 },
    vitalsEnv: { IMPORT_BATCH_SIZE: '100' },
    vitalsSqlConnections: 2,
  });

  /** `rows` readings, alternating between the two subjects, a minute apart from `day`; line 3 (the second row) has a bad heart rate. */
  const fileOf = (day: string, rows: number) => {
    const lines = ['patient_id,record_time,heart_rate'];
    for (let index = 0; index < rows; index++) {
      const at = new Date(Date.parse(`${day}T00:00:00Z`) + index * 60_000).toISOString();
      lines.push(`${given.study.subjectNumbers[index % 2]},${at},${index === 1 ? 'abc' : 60 + (index % 40)}`);
    }
    return `${lines.join('\n')}\n`;
  };
  const progressOf = (importId: string) => fetchImportProgress({ url: given.stack.gateway.url, importId, token: given.token });
  const running = (importId: string, seen: (progress: ImportProgressResult) => boolean) => async () => {
    const progress = await progressOf(importId);
    return progress?.status === 'RUNNING' && seen(progress) ? progress : undefined;
  };

  it('shows the bytes received and the size the client declared while the file is still being sent', async () => {
    const content = Buffer.from(fileOf('2026-04-01', 1_000));
    const half = Math.floor(content.length / 2);
    const rest = gate();
    async function* sentInTwo(): AsyncGenerator<Uint8Array> {
      yield content.subarray(0, half);
      await rest.opened;
      yield content.subarray(half);
    }
    const importId = randomUUID();
    const answer = importVitalsFile({
      url: given.stack.gateway.url,
      studyId: given.study.studyId,
      file: sentInTwo(),
      fileName: 'april.csv',
      importId,
      fileSize: content.length,
      token: given.token,
    });
    try {
      const during = await waitFor(
        'bytes received while the upload runs',
        running(importId, (progress) => progress.bytesRead > 0),
      );
      expect(during.bytesRead).toBeLessThanOrEqual(half);
      expect(during).toMatchObject({ bytesTotal: content.length, rowsRead: 0 });
    } finally {
      rest.open();
    }
    const response = await answer;
    expect(response.errors).toBeUndefined();
    expect(response.data?.importVitals).toMatchObject({
      id: importId,
      status: 'SUCCEEDED',
      bytesRead: content.length,
      bytesTotal: content.length,
      rowsRead: 1_000,
    });
  });

  it('shows rows read and rejected rising while the file is stored, before the import ends', async () => {
    const rows = 1_000;
    const content = fileOf('2026-05-01', rows);
    // Another transaction holds the first row's (subject, instant) uncommitted: the import's first
    // write waits for it, so the import is caught mid-store for as long as the test needs.
    const inserted = gate();
    const release = gate();
    await given.vitalsSql`select ensure_vital_sign_partitions(${['2026-05-01T00:00:00Z']}::timestamptz[])`;
    const holding = given.vitalsSql
      .begin(async (tx) => {
        await tx`insert into vital_signs (subject_id, study_id, site_id, recorded_at, heart_rate, recorded_by)
                 values (${given.study.subjectIds[0]!}, ${given.study.studyId}, ${given.study.siteId}, '2026-05-01T00:00:00Z', 60, 'test')`;
        inserted.open();
        await release.opened;
        throw new Error('rolled back on purpose');
      })
      .catch(() => {});
    await inserted.opened;
    const importId = randomUUID();
    const answer = importVitalsFile({
      url: given.stack.gateway.url,
      studyId: given.study.studyId,
      file: bytesOf(content),
      fileName: 'may.csv',
      importId,
      token: given.token,
    });
    let during: ImportProgressResult;
    try {
      during = await waitFor(
        'rows read while the import is stored',
        running(importId, (progress) => progress.rowsRead > 0 && progress.rowsRejected > 0),
      );
    } finally {
      release.open();
      await holding;
    }
    // Parsing runs only a few batches ahead of the write that waits.
    expect(during.rowsRead).toBeLessThan(rows);
    expect(during.rowsRejected).toBe(1);

    const response = await answer;
    expect(response.errors).toBeUndefined();
    expect(response.data?.importVitals).toMatchObject({ id: importId, status: 'SUCCEEDED', rowsRead: rows, rowsRejected: 1, rowsAccepted: rows - 1 });
  });

  it('refuses an importId used before with CONFLICT, and changes nothing', async () => {
    const importId = randomUUID();
    const send = (content: string, id: string) =>
      importVitalsFile({
        url: given.stack.gateway.url,
        studyId: given.study.studyId,
        file: bytesOf(content),
        fileName: 'june.csv',
        importId: id,
        token: given.token,
      });
    const first = await send(fileOf('2026-06-01', 3), importId);
    expect(first.data?.importVitals).toMatchObject({ id: importId, status: 'SUCCEEDED' });
    const recordBefore = await given.vitalsSql`select * from vitals_imports where id = ${importId}`;
    const eventsBefore = await given.vitalsSql`select count(*)::int as n from audit_events`;
    const storedBefore = await given.vitalsSql`select count(*)::int as n from vital_signs`;

    const reused = await send(fileOf('2026-06-02', 3), importId);
    expect(errorCodes(reused)).toEqual(['CONFLICT']);
    expect(reused.errors?.[0]?.message).toMatch(/importId .* already/);
    expect(await given.vitalsSql`select * from vitals_imports where id = ${importId}`).toEqual(recordBefore);
    expect(await given.vitalsSql`select count(*)::int as n from audit_events`).toEqual(eventsBefore);
    expect(await given.vitalsSql`select count(*)::int as n from vital_signs`).toEqual(storedBefore);

    expect(errorCodes(await send(fileOf('2026-06-03', 3), 'not-a-uuid'))).toEqual(['BAD_USER_INPUT']);
  });
});
