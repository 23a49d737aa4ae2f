import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateVitalsCsv } from '@trialgraph/csv/fixtures';
import { adminHeaders, appEntry, createTestDatabase, graphqlRequest, startApp, testToken, type AppProcess, type TestDatabase } from '@trialgraph/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface CliRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `trialgraph` binary as a user's shell would, with output to pipes (not a terminal). */
function trialgraph(args: string[], cwd: string, onStderr?: (stderrSoFar: string) => void): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [appEntry('cli'), ...args], { cwd, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(stderr);
    });
    child.once('error', reject);
    child.once('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

/** A promise the test resolves when it chooses. */
function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

const PROGRESS_LINE = /^uploaded \d+\.\d of \d+\.\d MiB, \d+ rows, \d+ rows\/s; server: (waiting|\d+\.\d MiB received|\d+ rows read, \d+ rejected)$/;

describe('the trialgraph command against a running stack (real processes, real PostgreSQL)', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  const apps: AppProcess[] = [];
  let gatewayUrl: string;
  let studyId: string;
  let subjectNumbers: string[];
  let token: string;
  let vitalsSql: postgres.Sql;
  const workDir = mkdtempSync(join(tmpdir(), 'tg-cli-import-'));

  beforeAll(async () => {
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_cli_s'), createTestDatabase('tg_cli_v')]);
    const subjects = await startApp('subjects', { SUBJECTS_DATABASE_URL: subjectsDb.url, LOG_LEVEL: 'warn' });
    apps.push(subjects);
    const vitals = await startApp('vitals', { VITALS_DATABASE_URL: vitalsDb.url, SUBJECTS_URL: `${subjects.url}graphql`, LOG_LEVEL: 'warn' });
    apps.push(vitals);
    const gateway = await startApp('gateway', { SUBJECTS_URL: `${subjects.url}graphql`, VITALS_URL: `${vitals.url}graphql`, LOG_LEVEL: 'warn' });
    apps.push(gateway);
    gatewayUrl = gateway.url;
    vitalsSql = postgres(vitalsDb.url, { max: 1, onnotice: () => {} });
    token = await testToken({ roles: ['ADMIN'] });

    const headers = await adminHeaders();
    const study = await graphqlRequest(
      gatewayUrl,
      `mutation { createStudy(input: { code: "CLI01", name: "CLI", sites: [{ code: "S01", name: "North" }] }) { id sites { id } } }`,
      {},
      headers,
    );
    studyId = study.data?.createStudy.id;
    subjectNumbers = [];
    for (let index = 0; index < 4; index++) {
      const created = await graphqlRequest(
        gatewayUrl,
        `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { subjectNumber } }`,
        { input: { studyId, siteId: study.data?.createStudy.sites[0].id, age: 40 + index, sex: 'FEMALE' } },
        headers,
      );
      subjectNumbers.push(created.data?.createSubject.subjectNumber);
    }
  });

  afterAll(async () => {
    await vitalsSql?.end();
    for (const app of apps.reverse()) await app.stop();
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
    rmSync(workDir, { recursive: true, force: true });
  });

  const writeGenerated = (name: string, spec: Omit<Parameters<typeof generateVitalsCsv>[0], 'subjects'>) => {
    const file = generateVitalsCsv({ subjects: subjectNumbers, ...spec });
    const path = join(workDir, name);
    writeFileSync(path, [...file.chunks()].join(''));
    return { path, file };
  };
  const storedCount = async () => Number((await vitalsSql`select count(*)::int as n from vital_signs`)[0]?.n);

  it('imports a clean file, prints the report as a table with plain progress lines, and exits 0', async () => {
    const { file } = writeGenerated('clean.csv', { rows: 4_000, seed: 1, start: new Date('2025-05-01T00:00:00Z') });
    const run = await trialgraph(['import', 'clean.csv', '--study', studyId, '--gateway', gatewayUrl, '--token', token], workDir);
    expect(run.stderr).not.toMatch(/\u001b\[|\r/);
    const progress = run.stderr.trim().split('\n');
    expect(progress.length).toBeGreaterThan(0);
    for (const line of progress) expect(line).toMatch(PROGRESS_LINE);
    expect(progress.at(-1)).toMatch(/, 4000 rows, /);
    expect(run.stdout).toMatch(/status\s*│\s*SUCCEEDED/);
    expect(run.stdout).toMatch(/rows read\s*│\s*4000/);
    expect(run.stdout).toMatch(/accepted\s*│\s*4000/);
    expect(run.stdout).toMatch(/rejected\s*│\s*0/);
    expect(run.exitCode).toBe(0);
    expect(await storedCount()).toBe(file.expected.valid);
  });

  it('shows the rows the server has read while it stores the file, following the import by the id it chose', async () => {
    const lines = ['patient_id,record_time,heart_rate'];
    for (let index = 0; index < 4_000; index++) {
      lines.push(`${subjectNumbers[index % 4]},${new Date(Date.parse('2025-08-01T00:00:00Z') + index * 60_000).toISOString()},${index === 0 ? 'abc' : 70}`);
    }
    writeFileSync(join(workDir, 'held.csv'), `${lines.join('\n')}\n`);
    // A share lock on vital_signs holds the import's first write: it is caught mid-store while
    // the command shows what the server has read. Reads go on; only writers wait.
    const locked = deferred();
    const release = deferred();
    const holding = vitalsSql
      .begin(async (tx) => {
        await tx`lock table vital_signs in share mode`;
        locked.resolve();
        await release.promise;
      })
      .catch(() => {});
    await locked.promise;
    const rowsShown = /server: [1-9]\d* rows read, 1 rejected/;
    let run: CliRun;
    try {
      run = await trialgraph(['import', 'held.csv', '--study', studyId, '--gateway', gatewayUrl, '--token', token], workDir, (stderr) => {
        if (rowsShown.test(stderr)) release.resolve();
      });
    } finally {
      release.resolve();
      await holding;
    }
    const progress = run.stderr.trim().split('\n');
    for (const line of progress) expect(line).toMatch(PROGRESS_LINE);
    expect(progress.some((line) => rowsShown.test(line))).toBe(true);
    expect(run.stdout).toMatch(/rows read\s*│\s*4000/);
    expect(run.exitCode).toBe(2);
  });

  it('exits 2 when rows were rejected, prints the counts as JSON, and writes every row error beside the file', async () => {
    // 1,200 bad rows: more than the first page of errors the import answers with.
    const { path, file } = writeGenerated('ward-7.csv', {
      rows: 12_000,
      seed: 2,
      badRowFraction: 0.1,
      dialect: 'tab-epoch',
      start: new Date('2025-06-01T00:00:00Z'),
    });
    const before = await storedCount();
    const run = await trialgraph(['import', 'ward-7.csv', '--study', studyId, '--gateway', gatewayUrl, '--token', token, '--json', '--errors-csv'], workDir);
    expect(run.exitCode).toBe(2);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      status: 'SUCCEEDED',
      fileName: 'ward-7.csv',
      rowsRead: 12_000,
      rowsAccepted: file.expected.valid,
      rowsRejected: file.expected.bad,
      rowsDuplicate: 0,
    });
    expect(report.errors).toHaveLength(1_200);
    expect(await storedCount()).toBe(before + file.expected.valid);

    expect(run.stderr).toContain('row errors written to ward-7.csv.errors.csv');
    const errorLines = readFileSync(`${path}.errors.csv`, 'utf8').trimEnd().split('\n');
    expect(errorLines[0]).toBe('line,column,value,code,message');
    expect(errorLines).toHaveLength(1 + file.expected.bad);
    expect(errorLines[1]).toBe('11,heart_rate,400,OUT_OF_RANGE,"heart_rate must be between 20 and 300 beats/min, got 400"');
    expect(errorLines.at(-1)).toMatch(/^12001,record_time,\d+,IMPLAUSIBLE_TIME,/);
  });

  it('counts every row as a duplicate when the same file is imported again, and stores nothing new', async () => {
    const before = await storedCount();
    const run = await trialgraph(['import', 'clean.csv', '--study', studyId, '--gateway', gatewayUrl, '--token', token, '--json'], workDir);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'SUCCEEDED', rowsRead: 4_000, rowsAccepted: 0, rowsDuplicate: 4_000 });
    expect(await storedCount()).toBe(before);
  });

  it('with --dry-run and --abort-on-error stores nothing', async () => {
    const { file } = writeGenerated('trial-run.csv', { rows: 1_000, seed: 3, badRowFraction: 0.01, start: new Date('2025-07-01T00:00:00Z') });
    const before = await storedCount();
    const dryRun = await trialgraph(['import', 'trial-run.csv', '--study', studyId, '--gateway', gatewayUrl, '--token', token, '--dry-run', '--json'], workDir);
    expect(dryRun.exitCode).toBe(2);
    expect(JSON.parse(dryRun.stdout)).toMatchObject({ status: 'SUCCEEDED', dryRun: true, rowsAccepted: file.expected.valid, rowsRejected: file.expected.bad });
    const aborted = await trialgraph(['import', 'trial-run.csv', '--study', studyId, '--gateway', gatewayUrl, '--token', token, '--abort-on-error'], workDir);
    expect(aborted.exitCode).toBe(1);
    expect(aborted.stdout).toMatch(/status\s*│\s*ABORTED/);
    expect(await storedCount()).toBe(before);
  });

  it('exits 1 and says why when the gateway refuses the import', async () => {
    const run = await trialgraph(
      ['import', 'clean.csv', '--study', '00000000-0000-4000-8000-000000000000', '--gateway', gatewayUrl, '--token', token],
      workDir,
    );
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('import refused: No study with id 00000000-0000-4000-8000-000000000000 (NOT_FOUND)');
    expect(run.stdout).toBe('');
  });

  it('validates a file offline with the same report and exit codes, without a server', async () => {
    const clean = await trialgraph(['validate', 'clean.csv'], workDir);
    expect(clean.exitCode).toBe(0);
    expect(clean.stdout).toMatch(/status\s*│\s*VALID/);
    expect(clean.stdout).toMatch(/rows read\s*│\s*4000/);

    const { file } = writeGenerated('eu-export.csv', { rows: 2_000, seed: 4, badRowFraction: 0.01, dialect: 'excel-eu' });
    const messy = await trialgraph(['validate', 'eu-export.csv', '--timezone', file.timezone, '--json'], workDir);
    expect(messy.exitCode).toBe(2);
    const report = JSON.parse(messy.stdout);
    expect(report).toMatchObject({
      status: 'INVALID ROWS',
      fileName: 'eu-export.csv',
      rowsRead: 2_000,
      rowsAccepted: file.expected.valid,
      rowsRejected: file.expected.bad,
    });
    const table = await trialgraph(['validate', 'eu-export.csv', '--timezone', file.timezone], workDir);
    expect(table.stdout).toContain('│ INVALID_BLOOD_PRESSURE ');
    const codes: Record<string, number> = {};
    for (const error of report.errors) codes[error.code] = (codes[error.code] ?? 0) + 1;
    expect(codes).toEqual(file.expected.badByCode);

    writeFileSync(join(workDir, 'no-time.csv'), 'patient_id,heart_rate\nX,70\n');
    const broken = await trialgraph(['validate', 'no-time.csv'], workDir);
    expect(broken.exitCode).toBe(1);
    expect(broken.stdout).toMatch(/status\s*│\s*FAILED/);
    expect(broken.stdout).toContain('MISSING_COLUMN');
    expect(existsSync(join(workDir, 'no-time.csv.errors.csv'))).toBe(false);
  });

  it('exits 1 with one plain sentence, not a stack trace, for a missing file, a bad timezone or an unreachable gateway', async () => {
    const missing = await trialgraph(['import', 'nope.csv', '--study', studyId, '--gateway', gatewayUrl, '--token', token], workDir);
    expect([missing.exitCode, missing.stderr]).toEqual([1, 'cannot read nope.csv: no such file\n']);
    const validateMissing = await trialgraph(['validate', 'nope.csv'], workDir);
    expect([validateMissing.exitCode, validateMissing.stderr]).toEqual([1, 'cannot read nope.csv: no such file\n']);
    const zone = await trialgraph(['validate', 'clean.csv', '--timezone', 'Mars/Olympus'], workDir);
    expect([zone.exitCode, zone.stderr]).toEqual([1, 'timezone "Mars/Olympus" is not an IANA time zone such as UTC or Europe/Paris\n']);
    const unreachable = await trialgraph(['import', 'clean.csv', '--study', studyId, '--gateway', 'http://127.0.0.1:9/', '--token', token], workDir);
    expect(unreachable.exitCode).toBe(1);
    expect(unreachable.stderr).toContain('cannot reach the gateway at http://127.0.0.1:9/ (ECONNREFUSED): is trialgraph running there?');
    expect(unreachable.stderr).not.toContain('    at ');
  });
});
